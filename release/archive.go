package main

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// archiveDocs are the files each archive carries beside the binary.
var archiveDocs = []string{"README.md", "LICENSE", "CHANGELOG.md"}

// archiveName is the archive of one target: stammer-mcp_VERSION_OS_ARCH
// with .zip for Windows (Explorer opens it) and .tar.gz elsewhere.
func archiveName(version string, t target) string {
	base := fmt.Sprintf("stammer-mcp_%s_%s_%s", version, t.OS, t.Arch)
	if t.OS == "windows" {
		return base + ".zip"
	}
	return base + ".tar.gz"
}

// archive writes the target's archive into dist and returns its name. Its
// entries sit in one folder named like the archive, in a fixed order, dated
// with the build date and owned by nobody in particular, so that the same
// commit gives the same bytes.
func archive(o options, b build, t target, bin string) (string, error) {
	name := archiveName(b.Version, t)
	folder := strings.TrimSuffix(strings.TrimSuffix(name, ".zip"), ".tar.gz")
	type entry struct {
		src, name string
		mode      os.FileMode
	}
	entries := []entry{{bin, t.exe(), 0o755}}
	for _, doc := range archiveDocs {
		entries = append(entries, entry{filepath.Join(o.root, doc), doc, 0o644})
	}

	f, err := os.Create(filepath.Join(o.dist, name))
	if err != nil {
		return "", err
	}
	defer f.Close()
	var add func(e entry, data []byte) error
	var closeAll func() error
	if t.OS == "windows" {
		zw := zip.NewWriter(f)
		add = func(e entry, data []byte) error {
			h := &zip.FileHeader{Name: folder + "/" + e.name, Method: zip.Deflate, Modified: b.Date}
			h.SetMode(e.mode)
			w, err := zw.CreateHeader(h)
			if err != nil {
				return err
			}
			_, err = w.Write(data)
			return err
		}
		closeAll = zw.Close
	} else {
		gz, _ := gzip.NewWriterLevel(f, gzip.BestCompression)
		gz.ModTime = time.Time{} // no timestamp in the gzip header
		tw := tar.NewWriter(gz)
		add = func(e entry, data []byte) error {
			h := &tar.Header{
				Name: folder + "/" + e.name, Mode: int64(e.mode), Size: int64(len(data)),
				ModTime: b.Date, Typeflag: tar.TypeReg, Format: tar.FormatPAX,
				Uname: "root", Gname: "root",
			}
			if err := tw.WriteHeader(h); err != nil {
				return err
			}
			_, err := tw.Write(data)
			return err
		}
		closeAll = func() error {
			if err := tw.Close(); err != nil {
				return err
			}
			return gz.Close()
		}
	}
	for _, e := range entries {
		data, err := os.ReadFile(e.src)
		if err != nil {
			return "", err
		}
		if err := add(e, data); err != nil {
			return "", fmt.Errorf("%s: %w", name, err)
		}
	}
	if err := closeAll(); err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	return name, f.Close()
}

// writeSums writes dist/SHA256SUMS over the named files, in the format
// sha256sum -c and shasum -a 256 -c read, and returns the sums by name.
func writeSums(dist string, names []string) (map[string]string, error) {
	sums := map[string]string{}
	var b strings.Builder
	for _, name := range slices.Sorted(slices.Values(names)) {
		sum, err := fileSHA256(filepath.Join(dist, name))
		if err != nil {
			return nil, err
		}
		sums[name] = sum
		fmt.Fprintf(&b, "%s  %s\n", sum, name)
	}
	return sums, os.WriteFile(filepath.Join(dist, "SHA256SUMS"), []byte(b.String()), 0o644)
}

// fileSHA256 is the hex SHA-256 of a file.
func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
