package libvirt

// The payloads of the events whose C arguments are structs or typed parameters, converted to
// libvirt-go-module's event structs (api/bindings.yaml's go.event_payloads names them; the
// generated trampolines call these).

/*
#include "libvirt_wrappers.h"
*/
import "C"

import (
	"strconv"
	"strings"
	"unsafe"
)

// DomainEventGraphicsAddress is one end of a graphics connection.
type DomainEventGraphicsAddress struct {
	Family  DomainEventGraphicsAddressType
	Node    string
	Service string
}

// DomainEventGraphicsSubjectIdentity is one identity of the graphics client.
type DomainEventGraphicsSubjectIdentity struct {
	Type string
	Name string
}

// DomainEventGraphics is what a DomainEventGraphicsCallback receives.
type DomainEventGraphics struct {
	Phase      DomainEventGraphicsPhase
	Local      DomainEventGraphicsAddress
	Remote     DomainEventGraphicsAddress
	AuthScheme string
	Subject    []DomainEventGraphicsSubjectIdentity
}

func graphicsAddress(a *C.virDomainEventGraphicsAddress) DomainEventGraphicsAddress {
	if a == nil {
		return DomainEventGraphicsAddress{}
	}
	return DomainEventGraphicsAddress{Family: DomainEventGraphicsAddressType(a.family), Node: C.GoString(a.node),
		Service: C.GoString(a.service)}
}

func eventGraphics(phase C.int, local, remote *C.virDomainEventGraphicsAddress, authScheme string,
	subject *C.virDomainEventGraphicsSubject) *DomainEventGraphics {
	ev := &DomainEventGraphics{Phase: DomainEventGraphicsPhase(phase), Local: graphicsAddress(local),
		Remote: graphicsAddress(remote), AuthScheme: authScheme}
	if subject != nil && subject.nidentity > 0 {
		for _, id := range unsafe.Slice(subject.identities, int(subject.nidentity)) {
			ev.Subject = append(ev.Subject, DomainEventGraphicsSubjectIdentity{Type: C.GoString(id._type), Name: C.GoString(id.name)})
		}
	}
	return ev
}

// DomainEventJobCompleted is what a DomainEventJobCompletedCallback receives.
type DomainEventJobCompleted struct {
	Info DomainJobInfo
}

func eventJobCompleted(params C.virTypedParameterPtr, nparams C.int) *DomainEventJobCompleted {
	ev := &DomainEventJobCompleted{}
	// a parameter of an unexpected type is left unset: an event has no caller to report to
	typedParamsFromC(params, nparams, ev.Info.typedParams())
	return ev
}

// DomainEventTunableCpuPin is the CPU pinning part of a tunable event.
type DomainEventTunableCpuPin struct {
	VcpuPinSet     bool
	VcpuPin        [][]bool
	EmulatorPinSet bool
	EmulatorPin    []bool
	IOThreadPinSet bool
	IOThreadPin    [][]bool
}

// DomainEventTunable is what a DomainEventTunableCallback receives: the parts that changed.
type DomainEventTunable struct {
	CpuPin        *DomainEventTunableCpuPin
	CpuSched      *DomainSchedulerParameters
	BlkdevDiskSet bool
	BlkdevDisk    string
	BlkdevTune    *DomainBlockIoTuneParameters
}

// prefixed gives the fields of a parameter struct under names with a prefix ("cputune.").
func prefixed(prefix string, fields []typedParam) []typedParam {
	for i := range fields {
		fields[i].name = prefix + fields[i].name
	}
	return fields
}

func anySet(fields []typedParam) bool {
	for _, f := range fields {
		if *f.set {
			return true
		}
	}
	return false
}

// parseCPUList reads libvirt's CPU list syntax ("0-3,^2,6") as a []bool.
func parseCPUList(s string) []bool {
	var cpus []bool
	set := func(i int, on bool) {
		for len(cpus) <= i {
			cpus = append(cpus, false)
		}
		cpus[i] = on
	}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		on := !strings.HasPrefix(part, "^")
		part = strings.TrimPrefix(part, "^")
		lo, hi, isRange := strings.Cut(part, "-")
		first, err := strconv.Atoi(lo)
		if err != nil || first < 0 || first > 1<<16 {
			continue
		}
		last := first
		if isRange {
			if last, err = strconv.Atoi(hi); err != nil || last < first || last > 1<<16 {
				continue
			}
		}
		for i := first; i <= last; i++ {
			set(i, on)
		}
	}
	return cpus
}

func eventTunable(params C.virTypedParameterPtr, nparams C.int) *DomainEventTunable {
	ev := &DomainEventTunable{}
	sched, tune := &DomainSchedulerParameters{}, &DomainBlockIoTuneParameters{}
	schedFields, tuneFields := prefixed("cputune.", sched.typedParams()), prefixed("blkdeviotune.", tune.typedParams())
	fields := append(append(schedFields, tuneFields...), typedParam{"blkdeviotune.disk", &ev.BlkdevDiskSet, &ev.BlkdevDisk})
	typedParamsFromC(params, nparams, fields)
	if anySet(schedFields) {
		ev.CpuSched = sched
	}
	if anySet(tuneFields) {
		ev.BlkdevTune = tune
	}
	// the pinning parameters are numbered: cputune.vcpupin0, cputune.iothreadpin1, ...
	pin := &DomainEventTunableCpuPin{}
	if params != nil && nparams > 0 {
		for _, p := range unsafe.Slice(params, int(nparams)) {
			if p._type != C.VIR_TYPED_PARAM_STRING {
				continue
			}
			name, value := C.GoString(&p.field[0]), C.GoString(*(**C.char)(unsafe.Pointer(&p.value[0])))
			numbered := func(prefix string, list *[][]bool, set *bool) {
				n, err := strconv.Atoi(strings.TrimPrefix(name, prefix))
				if !strings.HasPrefix(name, prefix) || err != nil || n < 0 || n > 1<<16 {
					return
				}
				for len(*list) <= n {
					*list = append(*list, nil)
				}
				(*list)[n], *set = parseCPUList(value), true
			}
			if name == "cputune.emulatorpin" {
				pin.EmulatorPin, pin.EmulatorPinSet = parseCPUList(value), true
			}
			numbered("cputune.vcpupin", &pin.VcpuPin, &pin.VcpuPinSet)
			numbered("cputune.iothreadpin", &pin.IOThreadPin, &pin.IOThreadPinSet)
		}
	}
	if pin.VcpuPinSet || pin.EmulatorPinSet || pin.IOThreadPinSet {
		ev.CpuPin = pin
	}
	return ev
}
