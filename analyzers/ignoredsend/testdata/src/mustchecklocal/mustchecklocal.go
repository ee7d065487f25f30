// Package mustchecklocal is analyzed with -cross-package=false: markers
// of other packages are not seen, the package's own are.
package mustchecklocal

import "mustcheck/a"

//bplint:mustcheck the value is lost when the ring is full
func put(v int) bool { return v > 0 }

func use() {
	a.Put(1) // quiet: a's facts are not loaded
	put(1)   // want `the bool result of put is discarded: put is marked //bplint:mustcheck`
}
