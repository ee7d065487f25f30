package fixedit

import (
	"go/token"
	"go/types"
	"strconv"
)

// FreshHeaderName returns base, or base with the smallest numeric
// suffix, that names nothing visible at pos and is neither a keyword nor
// predeclared. It is for a variable declared in the header of a new
// statement whose body a fix generates, such as
//
//	if err := call(); err != nil {
//		return err
//	}
//
// inserted at pos: the variable's scope is that statement, so it
// shadows nothing that code after it uses, and the generated body
// declares nothing that could clash with it. Unlike FreshName, a name
// that a sibling or nested scope declares is fine: with FreshName, any
// earlier `if err := ...` in the function would push the fix to err2.
func FreshHeaderName(scope *types.Scope, pos token.Pos, base string) string {
	name := base
	for i := 2; ; i++ {
		if _, obj := scope.LookupParent(name, pos); obj == nil && types.Universe.Lookup(name) == nil && !token.Lookup(name).IsKeyword() {
			return name
		}
		name = base + strconv.Itoa(i)
	}
}
