package main

import "context"

// Sends in func main end with the process.
func main() {
	ctx := context.TODO()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	out := make(chan int)
	go func() { out <- 1 }()
	_ = ctx
}

// Other functions of package main are checked.
func helper(ctx context.Context, out chan<- int) {
	out <- 1 // want `send on out blocks`
}
