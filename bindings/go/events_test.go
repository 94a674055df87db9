package libvirt

import (
	"reflect"
	"testing"
)

func TestParseCPUList(t *testing.T) {
	for in, want := range map[string][]bool{
		"0-3,^2,6": {true, true, false, true, false, false, true},
		"1":        {false, true},
		"0,x,2":    {true, false, true}, // what cannot be read is skipped
	} {
		if got := parseCPUList(in); !reflect.DeepEqual(got, want) {
			t.Errorf("parseCPUList(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestTunableEventPayload(t *testing.T) {
	set := true
	shares, disk, total := uint64(2048), "vda", uint64(1000)
	pin0, pin1, emu := "0-1", "3", "2"
	cparams, n := typedParamsToC([]typedParam{
		{"cputune.cpu_shares", &set, &shares},
		{"cputune.vcpupin1", &set, &pin1},
		{"cputune.vcpupin0", &set, &pin0},
		{"cputune.emulatorpin", &set, &emu},
		{"blkdeviotune.disk", &set, &disk},
		{"blkdeviotune.total_bytes_sec", &set, &total},
	})
	defer typedParamsFree(cparams, n)
	ev := eventTunable(cparams, n)
	if ev.CpuSched == nil || !ev.CpuSched.CpuSharesSet || ev.CpuSched.CpuShares != 2048 || ev.CpuSched.VcpuQuotaSet {
		t.Fatalf("CpuSched = %+v", ev.CpuSched)
	}
	want := &DomainEventTunableCpuPin{VcpuPinSet: true, VcpuPin: [][]bool{{true, true}, {false, false, false, true}},
		EmulatorPinSet: true, EmulatorPin: []bool{false, false, true}}
	if !reflect.DeepEqual(ev.CpuPin, want) {
		t.Fatalf("CpuPin = %+v, want %+v", ev.CpuPin, want)
	}
	if !ev.BlkdevDiskSet || ev.BlkdevDisk != "vda" || ev.BlkdevTune == nil || ev.BlkdevTune.TotalBytesSec != 1000 {
		t.Fatalf("block device part: %+v %+v", ev, ev.BlkdevTune)
	}
	// nothing about CPUs: no CpuSched and no CpuPin
	cparams2, n2 := typedParamsToC([]typedParam{{"blkdeviotune.disk", &set, &disk}})
	defer typedParamsFree(cparams2, n2)
	if ev := eventTunable(cparams2, n2); ev.CpuSched != nil || ev.CpuPin != nil || ev.BlkdevTune != nil {
		t.Fatalf("a disk-only event: %+v", ev)
	}
}

func TestJobCompletedEventPayload(t *testing.T) {
	info := DomainJobInfo{TimeElapsedSet: true, TimeElapsed: 1234, OperationSet: true, Operation: DOMAIN_JOB_OPERATION_SAVE,
		ErrorMessageSet: true, ErrorMessage: "none"}
	cparams, n := typedParamsToC(info.typedParams())
	defer typedParamsFree(cparams, n)
	if ev := eventJobCompleted(cparams, n); !reflect.DeepEqual(ev.Info, info) {
		t.Fatalf("Info = %+v, want %+v", ev.Info, info)
	}
}
