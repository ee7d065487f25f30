module example.com/x

go 1.23

require github.com/bplint/bplint/runtime v0.0.0

replace github.com/bplint/bplint/runtime => ../../../../runtime
