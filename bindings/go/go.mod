module virthub.org/go/libvirt

go 1.24
