// Package nolocks calls no Lock: with facts off the analyzer skips its
// walk, yet its suppression comments are still checked.
package nolocks

func send(ch chan int, v int) {
	/* want "needs a reason" */ //bplint:ignore lockedsend/send-under-lock
	ch <- v
	/* want `unused //bplint:ignore directive: no lockedsend/send-under-lock finding here` */ //bplint:ignore lockedsend/send-under-lock nothing is locked
	ch <- v
}
