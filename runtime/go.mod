module github.com/bplint/bplint/runtime

go 1.23
