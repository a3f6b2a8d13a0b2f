// Offline stand-in for `helm template`, used by check.sh to render the chart where no Helm binary exists.
// A minimal stand-in for `helm template`: Go text/template + sprig + Helm's own functions
// (include, tpl, toYaml, fromYaml, toJson, required, fail) over the chart's templates.
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	yaml "gopkg.in/yaml.v2"
)

// normalize turns yaml.v2's map[interface{}]interface{} into map[string]interface{} and numbers into
// float64, as Helm's JSON-based YAML reading does.
func normalize(v interface{}) interface{} {
	switch x := v.(type) {
	case map[interface{}]interface{}:
		m := map[string]interface{}{}
		for k, val := range x {
			m[fmt.Sprint(k)] = normalize(val)
		}
		return m
	case map[string]interface{}:
		for k, val := range x {
			x[k] = normalize(val)
		}
		return x
	case []interface{}:
		for i := range x {
			x[i] = normalize(x[i])
		}
		return x
	case int:
		return float64(x)
	case int64:
		return float64(x)
	}
	return v
}

func unmarshal(data []byte, out *map[string]interface{}) error {
	var raw interface{}
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return err
	}
	if raw == nil {
		return nil
	}
	m, ok := normalize(raw).(map[string]interface{})
	if !ok {
		return fmt.Errorf("not a mapping")
	}
	*out = m
	return nil
}

func toYAML(v interface{}) string {
	data, err := yaml.Marshal(v)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(data), "\n")
}

func fromYAML(s string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := unmarshal([]byte(s), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func merge(dst, src map[string]interface{}) map[string]interface{} {
	for k, v := range src {
		if sv, ok := v.(map[string]interface{}); ok {
			if dv, ok := dst[k].(map[string]interface{}); ok {
				dst[k] = merge(dv, sv)
				continue
			}
		}
		if v == nil {
			delete(dst, k)
			continue
		}
		dst[k] = v
	}
	return dst
}

func main() {
	chart := os.Args[1]
	values := map[string]interface{}{}
	raw, _ := os.ReadFile(filepath.Join(chart, "values.yaml"))
	if err := unmarshal(raw, &values); err != nil {
		panic(err)
	}
	for _, f := range os.Args[2:] {
		extra := map[string]interface{}{}
		raw, _ := os.ReadFile(f)
		if err := unmarshal(raw, &extra); err != nil {
			panic(err)
		}
		values = merge(values, extra)
	}
	chartMeta := map[string]interface{}{}
	raw, _ = os.ReadFile(filepath.Join(chart, "Chart.yaml"))
	unmarshal(raw, &chartMeta)

	files := map[string]string{}
	filepath.Walk(chart, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			rel, _ := filepath.Rel(chart, p)
			b, _ := os.ReadFile(p)
			files[rel] = string(b)
		}
		return nil
	})

	t := template.New("chart")
	funcs := sprig.TxtFuncMap()
	delete(funcs, "env")
	delete(funcs, "expandenv")
	funcs["toYaml"] = toYAML
	funcs["fromYaml"] = fromYAML
	funcs["toJson"] = func(v interface{}) string { b, _ := jsonMarshal(v); return b }
	funcs["required"] = func(msg string, v interface{}) (interface{}, error) {
		if v == nil || v == "" {
			return nil, fmt.Errorf(msg)
		}
		return v, nil
	}
	funcs["include"] = func(name string, data interface{}) (string, error) {
		var buf bytes.Buffer
		err := t.ExecuteTemplate(&buf, name, data)
		return buf.String(), err
	}
	funcs["tpl"] = func(s string, data interface{}) (string, error) { return s, nil }
	t.Funcs(funcs).Option("missingkey=zero")

	var names []string
	for rel, text := range files {
		if strings.HasPrefix(rel, "templates/") {
			template.Must(t.New("streamscoring/" + rel).Parse(text))
			names = append(names, rel)
		}
	}
	sort.Strings(names)
	filesObj := Files(files)
	for _, rel := range names {
		if strings.HasSuffix(rel, ".tpl") {
			continue
		}
		top := map[string]interface{}{
			"Values":       values,
			"Chart":        map[string]interface{}{"Name": chartMeta["name"], "Version": chartMeta["version"], "AppVersion": chartMeta["appVersion"]},
			"Release":      map[string]interface{}{"Name": "scoring", "Namespace": "prod", "Service": "Helm"},
			"Template":     map[string]interface{}{"Name": "streamscoring/" + rel, "BasePath": "streamscoring/templates"},
			"Files":        filesObj,
			"Capabilities": map[string]interface{}{},
		}
		var buf bytes.Buffer
		if err := t.ExecuteTemplate(&buf, "streamscoring/"+rel, top); err != nil {
			fmt.Fprintf(os.Stderr, "ERROR %s: %v\n", rel, err)
			os.Exit(1)
		}
		out := strings.TrimSpace(buf.String())
		if out == "" {
			continue
		}
		if strings.HasSuffix(rel, "NOTES.txt") {
			fmt.Fprintf(os.Stderr, "--- NOTES\n%s\n", out)
			continue
		}
		fmt.Printf("---\n# Source: %s\n%s\n", rel, out)
	}
}

type Files map[string]string

func (f Files) Get(name string) string { return f[name] }
