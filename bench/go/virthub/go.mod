// The Go binding benchmark on virthub's binding (bindings/go), built against virthub's
// headers and library (see bench/run.sh). bench_test.go here is written by bench/run.sh
// from ../libvirtgo/bench_test.go (only the import path differs); do not edit it.
module virthub.org/bench/go/virthub

go 1.24

require virthub.org/go/libvirt v0.0.0

replace virthub.org/go/libvirt => ../../../bindings/go
