// The Go binding benchmark on libvirt-go-module, built against Debian's libvirt
// (pkg-config libvirt). bench_test.go here is the one source of truth: bench/run.sh
// writes ../virthub/bench_test.go from it, changing only the import path.
module virthub.org/bench/go/libvirtgo

go 1.22

require libvirt.org/go/libvirt v1.9000.0
