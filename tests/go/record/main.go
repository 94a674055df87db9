// Command record prints the exported API of a libvirt-go-module source tree
// (libvirt.org/go/libvirt) as sorted TSV facts, one line each:
//
//	func    <Name>   <signature>  <C functions called>
//	method  <Recv>   <Name>       <signature>  <C functions called>
//	type    <Name>   <underlying kind>
//	field   <Struct> <Field>      <type>
//	const   <Name>   <type>
//
// It reads the Go source only (go/parser + go/ast; no cgo, nothing is built),
// keeping the files a normal linux/amd64 cgo build with no extra tags would
// compile (so the *_static* generated files, not the *_dlopen* ones), and
// skipping _test.go files. "C functions called" are the distinct C.vir...
// names a body calls, with a trailing "Wrapper" stripped, sorted; conversions
// to C types (typedefs in the package's .h files) are not calls. Only direct
// calls count: a method that calls C through a Go helper lists nothing for it.
//
//	cd tests/go/record && go run . /root/go/pkg/mod/libvirt.org/go/libvirt@v1.9000.0 > ../libvirt_go_api.tsv
package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

var (
	fset     = token.NewFileSet()
	typedefs = map[string]bool{} // C type names declared in the package's headers
	// typedef ... virFoo;   typedef ... (*virFooCallback)(...);
	typedefRe = regexp.MustCompile(`typedef\b[^;{]*?(?:\(\s*\*\s*)?\b(vir\w+)\s*(?:\)|;)`)
	structEnd = regexp.MustCompile(`}\s*(vir\w+)\s*;`)
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: record <libvirt-go-module source dir>")
		os.Exit(2)
	}
	dir := os.Args[1]
	if err := run(dir); err != nil {
		fmt.Fprintln(os.Stderr, "record:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	ctx := build.Default
	ctx.GOOS, ctx.GOARCH, ctx.CgoEnabled = "linux", "amd64", true
	ctx.BuildTags, ctx.ToolTags = nil, nil

	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var files []*ast.File
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() {
			continue
		}
		path := filepath.Join(dir, name)
		if strings.HasSuffix(name, ".h") {
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			collectTypedefs(string(src))
			continue
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		ok, err := ctx.MatchFile(dir, name) // file name suffixes and //go:build lines
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		if f.Name.Name != "libvirt" {
			continue
		}
		for _, imp := range f.Imports {
			if imp.Path.Value == `"C"` && imp.Doc != nil {
				collectTypedefs(imp.Doc.Text()) // the cgo preamble
			}
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		return fmt.Errorf("no Go files of package libvirt in %s", dir)
	}

	// Every package-level type spec, to resolve `type A B` chains to a kind.
	specs := map[string]*ast.TypeSpec{}
	for _, f := range files {
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.TYPE {
				for _, s := range g.Specs {
					ts := s.(*ast.TypeSpec)
					specs[ts.Name.Name] = ts
				}
			}
		}
	}

	var lines []string
	add := func(cols ...string) { lines = append(lines, strings.Join(cols, "\t")) }
	for _, f := range files {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if !d.Name.IsExported() {
					continue
				}
				sig := strings.TrimPrefix(node(d.Type), "func")
				calls := cCalls(d.Body)
				if d.Recv == nil {
					add("func", d.Name.Name, sig, calls)
					continue
				}
				recv := recvName(d.Recv.List[0].Type)
				if !ast.IsExported(recv) {
					continue
				}
				add("method", recv, d.Name.Name, sig, calls)
			case *ast.GenDecl:
				switch d.Tok {
				case token.TYPE:
					for _, s := range d.Specs {
						ts := s.(*ast.TypeSpec)
						if !ts.Name.IsExported() {
							continue
						}
						add("type", ts.Name.Name, kind(ts, specs, 0))
						if st, ok := ts.Type.(*ast.StructType); ok {
							for _, fl := range st.Fields.List {
								names := fl.Names
								if len(names) == 0 { // embedded
									names = []*ast.Ident{ast.NewIdent(recvName(fl.Type))}
								}
								for _, n := range names {
									if n.IsExported() {
										add("field", ts.Name.Name, n.Name, node(fl.Type))
									}
								}
							}
						}
					}
				case token.CONST:
					constLines(d, specs, add)
				}
			}
		}
	}
	sort.Strings(lines)
	lines = dedup(lines)
	fmt.Printf("# recorded from %s by tests/go/record (%d Go files of a linux cgo build, no tags);"+
		" kinds: func Name sig Cfuncs | method Recv Name sig Cfuncs | type Name kind | field Struct Field type | const Name type\n",
		origin(dir), len(files))
	for _, l := range lines {
		fmt.Println(l)
	}
	return nil
}

func collectTypedefs(src string) {
	for _, m := range typedefRe.FindAllStringSubmatch(src, -1) {
		typedefs[m[1]] = true
	}
	for _, m := range structEnd.FindAllStringSubmatch(src, -1) {
		typedefs[m[1]] = true
	}
}

// origin names the module and version, from go.mod and a ...@version directory name.
func origin(dir string) string {
	abs, _ := filepath.Abs(dir)
	mod := "?"
	if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "module ") {
				mod = strings.TrimSpace(strings.TrimPrefix(l, "module "))
			}
		}
	}
	if i := strings.LastIndex(abs, "@"); i >= 0 {
		return mod + " " + abs[i+1:]
	}
	return mod + " (" + abs + ")"
}

func node(n ast.Node) string {
	var b bytes.Buffer
	if err := printer.Fprint(&b, fset, n); err != nil {
		panic(err)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func recvName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return recvName(e.X)
	case *ast.Ident:
		return e.Name
	case *ast.IndexExpr:
		return recvName(e.X)
	case *ast.SelectorExpr:
		return e.Sel.Name
	}
	return node(e)
}

// cCalls: the distinct C.vir* functions called in body, "Wrapper" stripped, sorted.
func cCalls(body *ast.BlockStmt) string {
	if body == nil {
		return ""
	}
	seen := map[string]bool{}
	ast.Inspect(body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if x, ok := sel.X.(*ast.Ident); !ok || x.Name != "C" {
			return true
		}
		name := sel.Sel.Name
		if !strings.HasPrefix(name, "vir") || typedefs[name] || strings.HasSuffix(name, "Ptr") {
			return true
		}
		seen[strings.TrimSuffix(name, "Wrapper")] = true
		return true
	})
	var out []string
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// kind: the underlying kind of a declared type: struct, func, interface, a
// basic type name (int, uint, string, ...), slice, array, map, pointer, chan,
// or C.<name> for a C type.
func kind(ts *ast.TypeSpec, specs map[string]*ast.TypeSpec, depth int) string {
	return exprKind(ts.Type, specs, depth)
}

func exprKind(e ast.Expr, specs map[string]*ast.TypeSpec, depth int) string {
	switch e := e.(type) {
	case *ast.StructType:
		return "struct"
	case *ast.FuncType:
		return "func"
	case *ast.InterfaceType:
		return "interface"
	case *ast.MapType:
		return "map"
	case *ast.ChanType:
		return "chan"
	case *ast.StarExpr:
		return "pointer"
	case *ast.ArrayType:
		if e.Len == nil {
			return "slice"
		}
		return "array"
	case *ast.ParenExpr:
		return exprKind(e.X, specs, depth)
	case *ast.SelectorExpr:
		return node(e)
	case *ast.Ident:
		if s, ok := specs[e.Name]; ok && depth < 20 {
			return kind(s, specs, depth+1)
		}
		return e.Name
	}
	return node(e)
}

// constLines: exported constants with their declared type: an explicit type,
// else the local type a value converts to (DomainState(C.VIR_...)), else the
// previous spec's (implicit repetition in a const block), else "untyped".
func constLines(d *ast.GenDecl, specs map[string]*ast.TypeSpec, add func(...string)) {
	var prevType ast.Expr
	var prevValues []ast.Expr
	for _, s := range d.Specs {
		vs := s.(*ast.ValueSpec)
		typ, values := vs.Type, vs.Values
		if typ == nil && len(values) == 0 {
			typ, values = prevType, prevValues
		}
		prevType, prevValues = typ, values
		for i, n := range vs.Names {
			if !n.IsExported() {
				continue
			}
			t := "untyped"
			if typ != nil {
				t = node(typ)
			} else if i < len(values) {
				t = valueType(values[i], specs)
			}
			add("const", n.Name, t)
		}
	}
}

func valueType(v ast.Expr, specs map[string]*ast.TypeSpec) string {
	switch v := v.(type) {
	case *ast.CallExpr:
		if id, ok := v.Fun.(*ast.Ident); ok && len(v.Args) == 1 {
			if _, local := specs[id.Name]; local || isBasic(id.Name) {
				return id.Name
			}
		}
	case *ast.ParenExpr:
		return valueType(v.X, specs)
	case *ast.BasicLit:
		switch v.Kind {
		case token.INT:
			return "untyped int"
		case token.FLOAT:
			return "untyped float"
		case token.STRING:
			return "untyped string"
		case token.CHAR:
			return "untyped rune"
		}
	}
	return "untyped"
}

func isBasic(n string) bool {
	switch n {
	case "bool", "string", "int", "int8", "int16", "int32", "int64", "uint", "uint8",
		"uint16", "uint32", "uint64", "uintptr", "byte", "rune", "float32", "float64":
		return true
	}
	return false
}

func dedup(s []string) []string {
	out := s[:0]
	for i, l := range s {
		if i == 0 || l != s[i-1] {
			out = append(out, l)
		}
	}
	return out
}
