package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// releaseURL is where a release's asset is downloaded from: the GitHub
// release of tag vVERSION, which the registry requires for MCPB packages.
func releaseURL(version, asset string) string {
	return fmt.Sprintf("%s/releases/download/v%s/%s", repoURL, version, asset)
}

// writeServerJSON writes dist/server.json: the repository's server.json with
// this release's version, and its MCPB package pointing at the bundle just
// built, with that file's SHA-256. A package of another kind is an error:
// server.json must list only what the release builds.
func writeServerJSON(o options, b build, bundle, sum string) error {
	raw, err := os.ReadFile(filepath.Join(o.root, "server.json"))
	if err != nil {
		return err
	}
	var s map[string]any
	if err := json.Unmarshal(raw, &s); err != nil {
		return fmt.Errorf("server.json: %w", err)
	}
	s["version"] = b.Version
	pkgs, _ := s["packages"].([]any)
	if len(pkgs) == 0 {
		return fmt.Errorf("server.json lists no packages")
	}
	for i, p := range pkgs {
		pkg, ok := p.(map[string]any)
		if !ok || pkg["registryType"] != "mcpb" {
			return fmt.Errorf("server.json packages[%d] is not the MCPB bundle, the only package the release builds", i)
		}
		pkg["identifier"] = releaseURL(b.Version, bundle)
		pkg["version"] = b.Version
		pkg["fileSha256"] = sum
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(o.dist, "server.json"), out.Bytes(), 0o644)
}
