//bplint:file-ignore fanout/timeout-leak this file is a test helper

package fileignore

func flag() {}

func f() {
	flag()
	flag()
}
