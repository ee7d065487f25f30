// Package nogo is analyzed with unboundedqueue's max-buffer set to 1024
// through a nogo-style configuration.
package nogo

func queue() chan int {
	return make(chan int, 4096) // want `\(unboundedqueue/huge-buffer\)`
}
