package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	yamlv3 "gopkg.in/yaml.v3"
)

// valuesTable is docs/kubernetes.md's table of the chart's values, made from values.yaml's
// `# --` comments (helm-docs' convention, which the CoreDNS chart uses too), so it cannot drift.
func valuesTable(chartDir string) (string, error) {
	file := filepath.Join(chartDir, "values.yaml")
	data, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	var doc yamlv3.Node
	if err := yamlv3.Unmarshal(data, &doc); err != nil {
		return "", fmt.Errorf("%s: %v", file, err)
	}
	var out strings.Builder
	out.WriteString("| Key | Default | Description |\n|---|---|---|\n")
	if len(doc.Content) == 1 {
		if err := tableRows(&out, "", doc.Content[0]); err != nil {
			return "", err
		}
	}
	return out.String(), nil
}

func tableRows(out *strings.Builder, prefix string, mapping *yamlv3.Node) error {
	if mapping.Kind != yamlv3.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(mapping.Content); i += 2 {
		key, value := mapping.Content[i], mapping.Content[i+1]
		path := key.Value
		if prefix != "" {
			path = prefix + "." + key.Value
		}
		description, documented := docComment(key.HeadComment)
		if !documented {
			if err := tableRows(out, path, value); err != nil {
				return err
			}
			continue
		}
		var decoded interface{}
		if err := value.Decode(&decoded); err != nil {
			return fmt.Errorf("values.yaml: %s: %v", path, err)
		}
		shown, _ := json.Marshal(decoded)
		defaultText := "`" + string(shown) + "`"
		if len(shown) > 60 {
			defaultText = "see `values.yaml`"
		}
		fmt.Fprintf(out, "| `%s` | %s | %s |\n", path, defaultText, strings.ReplaceAll(description, "|", "\\|"))
	}
	return nil
}

// docComment: the text of the last `# --` paragraph of a key's head comment.
func docComment(comment string) (string, bool) {
	lines := strings.Split(comment, "\n")
	start := -1
	for i, line := range lines {
		if strings.HasPrefix(strings.TrimSpace(line), "# --") {
			start = i
		}
	}
	if start < 0 {
		return "", false
	}
	var words []string
	for i, line := range lines[start:] {
		line = strings.TrimSpace(line)
		if i == 0 {
			line = strings.TrimPrefix(line, "# --")
		} else if !strings.HasPrefix(line, "#") {
			break
		}
		words = append(words, strings.TrimSpace(strings.TrimPrefix(line, "#")))
	}
	return strings.TrimSpace(strings.Join(words, " ")), true
}
