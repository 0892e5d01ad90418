package main

import (
	"debug/macho"
	"encoding/binary"
	"fmt"
	"os"
)

// universal writes a macOS universal ("fat") binary holding the given thin
// Mach-O binaries, so one file runs natively on Apple silicon and Intel
// Macs: the bundle's mcp_config can only choose by OS, not by CPU. The
// layout is Apple's fat format (<mach-o/fat.h>): a big-endian header, one
// record per slice, then each slice unchanged at an offset aligned to its
// page size (16 KiB for arm64, 4 KiB for x86-64, as lipo does). The slices'
// own ad-hoc code signatures stay valid, being relative to the slice.
func universal(out string, thin ...string) error {
	const fatMagic = 0xcafebabe
	type slice struct {
		cpu, sub uint32
		align    uint32 // log2
		data     []byte
	}
	var slices []slice
	for _, path := range thin {
		f, err := macho.Open(path)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		cpu, sub := uint32(f.Cpu), f.SubCpu
		f.Close()
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		align := uint32(12)
		if macho.Cpu(cpu) == macho.CpuArm64 {
			align = 14
		}
		slices = append(slices, slice{cpu, sub, align, data})
	}

	header := make([]byte, 8+20*len(slices))
	binary.BigEndian.PutUint32(header[0:], fatMagic)
	binary.BigEndian.PutUint32(header[4:], uint32(len(slices)))
	offset := uint64(len(header))
	var body []byte
	for i, s := range slices {
		a := uint64(1) << s.align
		offset = (offset + a - 1) / a * a
		if offset+uint64(len(s.data)) > 1<<32-1 {
			return fmt.Errorf("a fat binary cannot hold slices past 4 GiB")
		}
		rec := header[8+20*i:]
		binary.BigEndian.PutUint32(rec[0:], s.cpu)
		binary.BigEndian.PutUint32(rec[4:], s.sub)
		binary.BigEndian.PutUint32(rec[8:], uint32(offset))
		binary.BigEndian.PutUint32(rec[12:], uint32(len(s.data)))
		binary.BigEndian.PutUint32(rec[16:], s.align)
		pad := int(offset) - len(header) - len(body)
		body = append(body, make([]byte, pad)...)
		body = append(body, s.data...)
		offset += uint64(len(s.data))
	}
	return os.WriteFile(out, append(header, body...), 0o755)
}
