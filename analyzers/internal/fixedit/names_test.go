package fixedit

import "testing"

func TestFreshHeaderName(t *testing.T) {
	for _, tc := range []struct {
		name, src, base, want string
	}{
		{
			name: "sibling if header",
			src:  "package p\n\nfunc f() error {\n\tif err := g(); err != nil {\n\t\treturn err\n\t}\n\t_ = 0 /*here*/\n\treturn nil\n}\n\nfunc g() error { return nil }\n",
			base: "err", want: "err",
		},
		{
			name: "visible parameter",
			src:  "package p\n\nfunc f(err error) {\n\t_ = err /*here*/\n\tif true {\n\t\terr2 := 1\n\t\t_ = err2\n\t}\n}\n",
			base: "err", want: "err2",
		},
		{
			name: "visible twice",
			src:  "package p\n\nvar err2 error\n\nfunc f(err error) {\n\t_ = err /*here*/\n}\n",
			base: "err", want: "err3",
		},
		{
			name: "declared later in the block",
			src:  "package p\n\nfunc f() {\n\t_ = 0 /*here*/\n\terr := 1\n\t_ = err\n}\n",
			base: "err", want: "err",
		},
		{
			name: "predeclared",
			src:  "package p\n\nfunc f() {\n\t_ = 0 /*here*/\n}\n",
			base: "len", want: "len2",
		},
		{
			name: "keyword",
			src:  "package p\n\nfunc f() {\n\t_ = 0 /*here*/\n}\n",
			base: "type", want: "type2",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pass, f, pos := testPass(t, tc.src)
			scope := pass.TypesInfo.Scopes[f].Innermost(pos)
			if got := FreshHeaderName(scope, pos, tc.base); got != tc.want {
				t.Errorf("FreshHeaderName(%q) = %q, want %q", tc.base, got, tc.want)
			}
		})
	}
	// FreshName, by contrast, avoids the sibling's err.
	pass, f, pos := testPass(t, "package p\n\nfunc f() error {\n\tif err := g(); err != nil {\n\t\treturn err\n\t}\n\t_ = 0 /*here*/\n\treturn nil\n}\n\nfunc g() error { return nil }\n")
	if got := FreshName(pass.TypesInfo.Scopes[f].Innermost(pos), pos, "err"); got != "err2" {
		t.Errorf("FreshName = %q, want err2 (the contrast this helper exists for)", got)
	}
}
