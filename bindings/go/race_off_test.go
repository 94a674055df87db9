//go:build !race

package libvirt

const raceEnabled = false
