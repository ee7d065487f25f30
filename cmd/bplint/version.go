package main

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// version returns the version of the bplint module this binary was
// built from: a release tag for `go install ...@vX`, else "devel" with
// the VCS revision when the build recorded one.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	v := bi.Main.Version
	if v != "" && v != "(devel)" {
		return v
	}
	v = "devel"
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev != "" {
		v += " " + rev[:min(12, len(rev))]
		if modified == "true" {
			v += "+dirty"
		}
	}
	return v
}

// versionString is what `bplint version` prints: which bplint, built
// by which Go, on which x/tools.
func versionString() string {
	s := "bplint " + version()
	if bi, ok := debug.ReadBuildInfo(); ok {
		s += fmt.Sprintf(" (%s", bi.GoVersion)
		for _, d := range bi.Deps {
			if d.Path == "golang.org/x/tools" {
				s += ", golang.org/x/tools " + d.Version
			}
		}
		s += ")"
		if bi.Main.Path != "" && !strings.HasPrefix(bi.Main.Path, "github.com/bplint/bplint") {
			s += " in " + bi.Main.Path
		}
	}
	return s
}
