package main

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strings"
)

// A minimal JSON Schema validator: the keywords the SARIF 2.1.0 schema
// uses (type, properties, required, additionalProperties, items,
// minItems, uniqueItems, enum, minimum, maximum, pattern, anyOf, oneOf,
// $ref to #/definitions). Formats and defaults are not checked.
type schemaValidator struct {
	root map[string]any
	errs []string
}

func validateSchema(schema map[string]any, doc any) []string {
	v := &schemaValidator{root: schema}
	v.check(schema, doc, "$")
	return v.errs
}

func (v *schemaValidator) fail(path, format string, args ...any) {
	v.errs = append(v.errs, path+": "+fmt.Sprintf(format, args...))
}

func (v *schemaValidator) check(s map[string]any, x any, path string) {
	if ref, ok := s["$ref"].(string); ok {
		name, found := strings.CutPrefix(ref, "#/definitions/")
		def, _ := v.root["definitions"].(map[string]any)[name].(map[string]any)
		if !found || def == nil {
			v.fail(path, "unresolvable $ref %q", ref)
			return
		}
		v.check(def, x, path)
	}
	if t, ok := s["type"]; ok && !hasType(t, x) {
		v.fail(path, "type %T, want %v", x, t)
		return
	}
	if enum, ok := s["enum"].([]any); ok {
		found := false
		for _, e := range enum {
			found = found || e == x
		}
		if !found {
			v.fail(path, "%v not in %v", x, enum)
		}
	}
	if p, ok := s["pattern"].(string); ok {
		if str, ok := x.(string); ok && !regexp.MustCompile(p).MatchString(str) {
			v.fail(path, "%q does not match %q", str, p)
		}
	}
	if n, ok := x.(float64); ok {
		if min, ok := s["minimum"].(float64); ok && n < min {
			v.fail(path, "%v < minimum %v", n, min)
		}
		if max, ok := s["maximum"].(float64); ok && n > max {
			v.fail(path, "%v > maximum %v", n, max)
		}
	}
	for _, key := range []string{"anyOf", "oneOf"} {
		alts, ok := s[key].([]any)
		if !ok {
			continue
		}
		matches := 0
		for _, alt := range alts {
			sub := &schemaValidator{root: v.root}
			sub.check(alt.(map[string]any), x, path)
			if len(sub.errs) == 0 {
				matches++
			}
		}
		if matches == 0 || key == "oneOf" && matches > 1 {
			v.fail(path, "%s: %d alternatives match", key, matches)
		}
	}
	switch x := x.(type) {
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		for _, r := range asList(s["required"]) {
			if _, ok := x[r.(string)]; !ok {
				v.fail(path, "missing required property %q", r)
			}
		}
		for k, val := range x {
			if ps, ok := props[k].(map[string]any); ok {
				v.check(ps, val, path+"."+k)
				continue
			}
			switch ap := s["additionalProperties"].(type) {
			case bool:
				if !ap {
					v.fail(path, "property %q not allowed", k)
				}
			case map[string]any:
				v.check(ap, val, path+"."+k)
			}
		}
	case []any:
		if min, ok := s["minItems"].(float64); ok && float64(len(x)) < min {
			v.fail(path, "%d items, want at least %v", len(x), min)
		}
		if s["uniqueItems"] == true {
			seen := make(map[string]bool)
			for _, e := range x {
				b, _ := json.Marshal(e)
				if seen[string(b)] {
					v.fail(path, "duplicate item %s", b)
				}
				seen[string(b)] = true
			}
		}
		if items, ok := s["items"].(map[string]any); ok {
			for i, e := range x {
				v.check(items, e, fmt.Sprintf("%s[%d]", path, i))
			}
		}
	}
}

func asList(x any) []any {
	l, _ := x.([]any)
	return l
}

func hasType(t, x any) bool {
	for _, name := range typeNames(t) {
		switch name {
		case "object":
			if _, ok := x.(map[string]any); ok {
				return true
			}
		case "array":
			if _, ok := x.([]any); ok {
				return true
			}
		case "string":
			if _, ok := x.(string); ok {
				return true
			}
		case "boolean":
			if _, ok := x.(bool); ok {
				return true
			}
		case "number":
			if _, ok := x.(float64); ok {
				return true
			}
		case "integer":
			if n, ok := x.(float64); ok && n == math.Trunc(n) {
				return true
			}
		case "null":
			if x == nil {
				return true
			}
		}
	}
	return false
}

func typeNames(t any) []string {
	switch t := t.(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, e := range t {
			out = append(out, e.(string))
		}
		return out
	}
	return nil
}
