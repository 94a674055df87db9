//go:build race

package libvirt

// The race detector keeps shadow memory: RSS measurements mean nothing under it.
const raceEnabled = true
