// Package nogodefault is analyzed with the default options.
package nogodefault

func queue() chan int {
	return make(chan int, 4096) // below the default max-buffer
}
