package libvirt

// Statistics of many domains at once (virConnectGetAllDomainStats, virDomainListGetStats) in
// libvirt-go-module's shape: one DomainStats per domain, its groups as structs with Set flags.
// Each field's `stats` tag is its parameter's name after the group's prefix ("state.",
// "block.<n>.", ...), so one walk over the tags fills every group.

/*
#include <stdlib.h>
#include "libvirt_wrappers.h"
*/
import "C"

import (
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"unsafe"
)

type DomainStatsState struct {
	StateSet  bool
	State     DomainState `stats:"state"`
	ReasonSet bool
	Reason    int `stats:"reason"`
}

type DomainStatsCPU struct {
	TimeSet   bool
	Time      uint64 `stats:"time"`
	UserSet   bool
	User      uint64 `stats:"user"`
	SystemSet bool
	System    uint64 `stats:"system"`
}

type DomainStatsBalloon struct {
	CurrentSet        bool
	Current           uint64 `stats:"current"`
	MaximumSet        bool
	Maximum           uint64 `stats:"maximum"`
	SwapInSet         bool
	SwapIn            uint64 `stats:"swap_in"`
	SwapOutSet        bool
	SwapOut           uint64 `stats:"swap_out"`
	MajorFaultSet     bool
	MajorFault        uint64 `stats:"major_fault"`
	MinorFaultSet     bool
	MinorFault        uint64 `stats:"minor_fault"`
	UnusedSet         bool
	Unused            uint64 `stats:"unused"`
	AvailableSet      bool
	Available         uint64 `stats:"available"`
	RssSet            bool
	Rss               uint64 `stats:"rss"`
	UsableSet         bool
	Usable            uint64 `stats:"usable"`
	LastUpdateSet     bool
	LastUpdate        uint64 `stats:"last-update"`
	DiskCachesSet     bool
	DiskCaches        uint64 `stats:"disk_caches"`
	HugetlbPgAllocSet bool
	HugetlbPgAlloc    uint64 `stats:"hugetlb_pgalloc"`
	HugetlbPgFailSet  bool
	HugetlbPgFail     uint64 `stats:"hugetlb_pgfail"`
}

type DomainStatsVcpu struct {
	StateSet  bool
	State     VcpuState `stats:"state"`
	TimeSet   bool
	Time      uint64 `stats:"time"`
	WaitSet   bool
	Wait      uint64 `stats:"wait"`
	HaltedSet bool
	Halted    bool `stats:"halted"`
	DelaySet  bool
	Delay     uint64 `stats:"delay"`
}

type DomainStatsNet struct {
	NameSet    bool
	Name       string `stats:"name"`
	RxBytesSet bool
	RxBytes    uint64 `stats:"rx.bytes"`
	RxPktsSet  bool
	RxPkts     uint64 `stats:"rx.pkts"`
	RxErrsSet  bool
	RxErrs     uint64 `stats:"rx.errs"`
	RxDropSet  bool
	RxDrop     uint64 `stats:"rx.drop"`
	TxBytesSet bool
	TxBytes    uint64 `stats:"tx.bytes"`
	TxPktsSet  bool
	TxPkts     uint64 `stats:"tx.pkts"`
	TxErrsSet  bool
	TxErrs     uint64 `stats:"tx.errs"`
	TxDropSet  bool
	TxDrop     uint64 `stats:"tx.drop"`
}

type DomainStatsBlock struct {
	NameSet         bool
	Name            string `stats:"name"`
	BackingIndexSet bool
	BackingIndex    uint `stats:"backingIndex"`
	PathSet         bool
	Path            string `stats:"path"`
	RdReqsSet       bool
	RdReqs          uint64 `stats:"rd.reqs"`
	RdBytesSet      bool
	RdBytes         uint64 `stats:"rd.bytes"`
	RdTimesSet      bool
	RdTimes         uint64 `stats:"rd.times"`
	WrReqsSet       bool
	WrReqs          uint64 `stats:"wr.reqs"`
	WrBytesSet      bool
	WrBytes         uint64 `stats:"wr.bytes"`
	WrTimesSet      bool
	WrTimes         uint64 `stats:"wr.times"`
	FlReqsSet       bool
	FlReqs          uint64 `stats:"fl.reqs"`
	FlTimesSet      bool
	FlTimes         uint64 `stats:"fl.times"`
	ErrorsSet       bool
	Errors          uint64 `stats:"errors"`
	AllocationSet   bool
	Allocation      uint64 `stats:"allocation"`
	CapacitySet     bool
	Capacity        uint64 `stats:"capacity"`
	PhysicalSet     bool
	Physical        uint64 `stats:"physical"`
}

type DomainStatsPerf struct {
	CmtSet                   bool
	Cmt                      uint64 `stats:"cmt"`
	MbmtSet                  bool
	Mbmt                     uint64 `stats:"mbmt"`
	MbmlSet                  bool
	Mbml                     uint64 `stats:"mbml"`
	CpuCyclesSet             bool
	CpuCycles                uint64 `stats:"cpu_cycles"`
	InstructionsSet          bool
	Instructions             uint64 `stats:"instructions"`
	CacheReferencesSet       bool
	CacheReferences          uint64 `stats:"cache_references"`
	CacheMissesSet           bool
	CacheMisses              uint64 `stats:"cache_misses"`
	BranchInstructionsSet    bool
	BranchInstructions       uint64 `stats:"branch_instructions"`
	BranchMissesSet          bool
	BranchMisses             uint64 `stats:"branch_misses"`
	BusCyclesSet             bool
	BusCycles                uint64 `stats:"bus_cycles"`
	StalledCyclesFrontendSet bool
	StalledCyclesFrontend    uint64 `stats:"stalled_cycles_frontend"`
	StalledCyclesBackendSet  bool
	StalledCyclesBackend     uint64 `stats:"stalled_cycles_backend"`
	RefCpuCyclesSet          bool
	RefCpuCycles             uint64 `stats:"ref_cpu_cycles"`
	CpuClockSet              bool
	CpuClock                 uint64 `stats:"cpu_clock"`
	TaskClockSet             bool
	TaskClock                uint64 `stats:"task_clock"`
	PageFaultsSet            bool
	PageFaults               uint64 `stats:"page_faults"`
	ContextSwitchesSet       bool
	ContextSwitches          uint64 `stats:"context_switches"`
	CpuMigrationsSet         bool
	CpuMigrations            uint64 `stats:"cpu_migrations"`
	PageFaultsMinSet         bool
	PageFaultsMin            uint64 `stats:"page_faults_min"`
	PageFaultsMajSet         bool
	PageFaultsMaj            uint64 `stats:"page_faults_maj"`
	AlignmentFaultsSet       bool
	AlignmentFaults          uint64 `stats:"alignment_faults"`
	EmulationFaultsSet       bool
	EmulationFaults          uint64 `stats:"emulation_faults"`
}

type DomainStatsMemoryBandwidthMonitorNode struct {
	IDSet         bool
	ID            uint `stats:"id"`
	BytesLocalSet bool
	BytesLocal    uint64 `stats:"bytes.local"`
	BytesTotalSet bool
	BytesTotal    uint64 `stats:"bytes.total"`
}

type DomainStatsMemoryBandwidthMonitor struct {
	NameSet  bool
	Name     string `stats:"name"`
	VCPUsSet bool
	VCPUs    string `stats:"vcpus"`
	Nodes    []DomainStatsMemoryBandwidthMonitorNode
}

type DomainStatsMemory struct {
	BandwidthMonitor []DomainStatsMemoryBandwidthMonitor
}

type DomainStatsDirtyRate struct {
	CalcStatusSet         bool
	CalcStatus            int `stats:"calc_status"`
	CalcStartTimeSet      bool
	CalcStartTime         int64 `stats:"calc_start_time"`
	CalcPeriodSet         bool
	CalcPeriod            int `stats:"calc_period"`
	MegabytesPerSecondSet bool
	MegabytesPerSecond    int64 `stats:"megabytes_per_second"`
}

// TypedParamValue is one typed parameter as it came: its name and the one value its type sets.
type TypedParamValue struct {
	Name   string
	Int    *int
	UInt   *uint
	Long   *int64
	ULong  *uint64
	Float  *float64
	Bool   *bool
	String *string
}

// DomainStats is one domain's statistics; a group the call did not return is nil (or empty).
type DomainStats struct {
	Domain    *Domain
	State     *DomainStatsState
	Cpu       *DomainStatsCPU
	Balloon   *DomainStatsBalloon
	Vcpu      []DomainStatsVcpu
	Net       []DomainStatsNet
	Block     []DomainStatsBlock
	Perf      *DomainStatsPerf
	Memory    *DomainStatsMemory
	DirtyRate *DomainStatsDirtyRate
	VM        []TypedParamValue
}

// GetAllDomainStats calls virDomainListGetStats for the given domains, or
// virConnectGetAllDomainStats for every domain when doms is empty.
func (c *Connect) GetAllDomainStats(doms []*Domain, statsTypes DomainStatsTypes, flags ConnectGetAllDomainStatsFlags) ([]DomainStats, error) {
	var err C.virError
	var crecs *C.virDomainStatsRecordPtr
	var n C.int
	if len(doms) > 0 {
		cdoms := make([]C.virDomainPtr, len(doms)+1) // NULL-terminated
		for i, d := range doms {
			cdoms[i] = d.cptr()
		}
		n = C.virDomainListGetStatsWrapper(&cdoms[0], C.uint(statsTypes), &crecs, C.uint(flags), &err)
	} else {
		n = C.virConnectGetAllDomainStatsWrapper(c.cptr(), C.uint(statsTypes), &crecs, C.uint(flags), &err)
	}
	runtime.KeepAlive(doms)
	runtime.KeepAlive(c)
	if n < 0 {
		return nil, makeError(&err)
	}
	defer C.virDomainStatsRecordListFree(crecs)
	out := make([]DomainStats, 0, int(n))
	for _, rec := range unsafe.Slice(crecs, int(n)) {
		C.virDomainRef(rec.dom) // the Domain's own reference; the list frees the record's
		params := statsParams(unsafe.Slice(rec.params, int(rec.nparams)))
		out = append(out, domainStatsFrom(newDomain(rec.dom), params))
	}
	return out, nil
}

type statsParamMap map[string]*C.virTypedParameter

func statsParams(cparams []C.virTypedParameter) statsParamMap {
	m := make(statsParamMap, len(cparams))
	for i := range cparams {
		m[C.GoString(&cparams[i].field[0])] = &cparams[i]
	}
	return m
}

// count reads a group's "<prefix>count" (0 when absent).
func (m statsParamMap) count(name string) int {
	var v struct {
		NSet bool
		N    uint `stats:"n"`
	}
	if p, ok := m[name]; ok {
		statsSetField(reflect.ValueOf(&v.N).Elem(), p)
	}
	return int(v.N)
}

// fill sets each tagged field of *dst whose parameter (prefix + tag) is there, with its Set
// flag; it reports whether any was.
func (m statsParamMap) fill(dst any, prefix string) bool {
	v := reflect.ValueOf(dst).Elem()
	t := v.Type()
	found := false
	for i := 0; i < t.NumField(); i++ {
		tag := t.Field(i).Tag.Get("stats")
		p, ok := m[prefix+tag]
		if tag == "" || !ok || !statsSetField(v.Field(i), p) {
			continue
		}
		v.FieldByName(t.Field(i).Name + "Set").SetBool(true)
		found = true
	}
	return found
}

// statsSetField stores a C parameter's value in a field of a matching kind.
func statsSetField(f reflect.Value, p *C.virTypedParameter) bool {
	v := typedParamValue("", p)
	var n int64 // an unsigned value keeps its bits
	switch {
	case v.Bool != nil && f.Kind() == reflect.Bool:
		f.SetBool(*v.Bool)
		return true
	case v.String != nil && f.Kind() == reflect.String:
		f.SetString(*v.String)
		return true
	case v.Int != nil:
		n = int64(*v.Int)
	case v.UInt != nil:
		n = int64(*v.UInt)
	case v.Long != nil:
		n = *v.Long
	case v.ULong != nil:
		n = int64(*v.ULong)
	default:
		return false
	}
	switch f.Kind() {
	case reflect.Int, reflect.Int32, reflect.Int64:
		f.SetInt(n)
	case reflect.Uint, reflect.Uint32, reflect.Uint64:
		f.SetUint(uint64(n))
	default:
		return false
	}
	return true
}

func domainStatsFrom(dom *Domain, m statsParamMap) DomainStats {
	s := DomainStats{Domain: dom}
	if st := new(DomainStatsState); m.fill(st, "state.") {
		s.State = st
	}
	if cpu := new(DomainStatsCPU); m.fill(cpu, "cpu.") {
		s.Cpu = cpu
	}
	if b := new(DomainStatsBalloon); m.fill(b, "balloon.") {
		s.Balloon = b
	}
	if p := new(DomainStatsPerf); m.fill(p, "perf.") {
		s.Perf = p
	}
	if d := new(DomainStatsDirtyRate); m.fill(d, "dirtyrate.") {
		s.DirtyRate = d
	}
	// every vCPU up to the maximum has its entries, offline ones too
	nvcpus := m.count("vcpu.maximum")
	if nvcpus == 0 {
		nvcpus = m.count("vcpu.current")
	}
	for i := 0; i < nvcpus; i++ {
		var v DomainStatsVcpu
		m.fill(&v, fmt.Sprintf("vcpu.%d.", i))
		s.Vcpu = append(s.Vcpu, v)
	}
	for i := 0; i < m.count("net.count"); i++ {
		var n DomainStatsNet
		m.fill(&n, fmt.Sprintf("net.%d.", i))
		s.Net = append(s.Net, n)
	}
	for i := 0; i < m.count("block.count"); i++ {
		var b DomainStatsBlock
		m.fill(&b, fmt.Sprintf("block.%d.", i))
		s.Block = append(s.Block, b)
	}
	if monitors := m.count("memory.bandwidth.monitor.count"); monitors > 0 {
		s.Memory = &DomainStatsMemory{}
		for i := 0; i < monitors; i++ {
			prefix := fmt.Sprintf("memory.bandwidth.monitor.%d.", i)
			var mon DomainStatsMemoryBandwidthMonitor
			m.fill(&mon, prefix)
			for j := 0; j < m.count(prefix+"node.count"); j++ {
				var node DomainStatsMemoryBandwidthMonitorNode
				m.fill(&node, fmt.Sprintf("%snode.%d.", prefix, j))
				mon.Nodes = append(mon.Nodes, node)
			}
			s.Memory.BandwidthMonitor = append(s.Memory.BandwidthMonitor, mon)
		}
	}
	for name, p := range m {
		if strings.HasPrefix(name, "vm.") {
			s.VM = append(s.VM, typedParamValue(strings.TrimPrefix(name, "vm."), p))
		}
	}
	return s
}

func ptr[T any](x T) *T { return &x }

func typedParamValue(name string, p *C.virTypedParameter) TypedParamValue {
	value := unsafe.Pointer(&p.value[0])
	v := TypedParamValue{Name: name}
	switch p._type {
	case C.VIR_TYPED_PARAM_INT:
		v.Int = ptr(int(*(*C.int)(value)))
	case C.VIR_TYPED_PARAM_UINT:
		v.UInt = ptr(uint(*(*C.uint)(value)))
	case C.VIR_TYPED_PARAM_LLONG:
		v.Long = ptr(int64(*(*C.longlong)(value)))
	case C.VIR_TYPED_PARAM_ULLONG:
		v.ULong = ptr(uint64(*(*C.ulonglong)(value)))
	case C.VIR_TYPED_PARAM_DOUBLE:
		v.Float = ptr(float64(*(*C.double)(value)))
	case C.VIR_TYPED_PARAM_BOOLEAN:
		v.Bool = ptr(*(*C.char)(value) != 0)
	case C.VIR_TYPED_PARAM_STRING:
		v.String = ptr(C.GoString(*(**C.char)(value)))
	}
	return v
}
