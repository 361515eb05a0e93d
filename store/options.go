package store

import "github.com/tidwall/buntdb"

// SyncPolicy says how often writes reach the disk.
type SyncPolicy int

const (
	// SyncNever leaves flushing to the operating system: fastest, and a
	// machine crash can lose any write not yet flushed.
	SyncNever SyncPolicy = iota
	// SyncEverySecond syncs once a second in the background, holding no
	// lock (transactions go on during the fsync): a crash loses
	// at most about one second of acknowledged writes (those after the last
	// sync), and a power cut can leave a transaction of that last second
	// partly applied. The default.
	SyncEverySecond
	// SyncAlways syncs before every commit returns (twice: the commit note
	// in the lock file, then the data): an acknowledged write survives a
	// crash.
	SyncAlways
)

// Options configure a store. The zero value is not the default: start from
// DefaultOptions.
type Options struct {
	// SyncPolicy for file-backed stores; ignored in memory.
	SyncPolicy SyncPolicy
	// AutoShrinkPercentage: the file is rewritten in the background when it
	// has grown by this percentage since the last rewrite.
	AutoShrinkPercentage int
	// AutoShrinkMinSize: no background rewrite below this many bytes.
	AutoShrinkMinSize int64
	// AutoShrinkDisabled turns background rewrites off; Shrink still works.
	AutoShrinkDisabled bool

	// The store's Limits (limits.go); 0 means the default, a negative
	// value is refused.
	MaxKeySize, MaxValueSize int
	MaxResultSize            int64
	MaxBatchItems            int
}

// DefaultOptions are BuntDB's defaults: sync every second, shrink when the
// file has doubled and holds at least 32 MiB.
func DefaultOptions() Options {
	return Options{
		SyncPolicy:           SyncEverySecond,
		AutoShrinkPercentage: 100,
		AutoShrinkMinSize:    32 * 1024 * 1024,
	}
}

func (o Options) validate() error {
	switch {
	case o.SyncPolicy < SyncNever || o.SyncPolicy > SyncAlways:
		return invalidf("sync policy %d, want 0 (never), 1 (every second) or 2 (always)", o.SyncPolicy)
	case o.AutoShrinkPercentage < 0:
		return invalidf("auto-shrink percentage %d is negative", o.AutoShrinkPercentage)
	case o.AutoShrinkMinSize < 0:
		return invalidf("auto-shrink minimum size %d is negative", o.AutoShrinkMinSize)
	case o.MaxKeySize < 0 || o.MaxValueSize < 0 || o.MaxResultSize < 0 || o.MaxBatchItems < 0:
		return invalidf("negative limit (key %d, value %d, result %d, batch %d): 0 means the default",
			o.MaxKeySize, o.MaxValueSize, o.MaxResultSize, o.MaxBatchItems)
	}
	return nil
}

// engineSyncPolicy is the policy BuntDB applies: the store runs the
// every-second sync itself, without BuntDB's lock (DB.syncEverySecond).
func (o Options) engineSyncPolicy() buntdb.SyncPolicy {
	if o.SyncPolicy == SyncEverySecond {
		return buntdb.Never
	}
	return buntdb.SyncPolicy(o.SyncPolicy)
}

// engineConfig is BuntDB's configuration. onExpired takes over BuntDB's
// deletion of expired items (see DB.sweep). BuntDB's background shrink is
// off: the store runs its own, which survives power cuts (durable.go).
func (o Options) engineConfig(onExpired func(keys []string)) buntdb.Config {
	return buntdb.Config{
		OnExpired:            onExpired,
		SyncPolicy:           o.engineSyncPolicy(),
		AutoShrinkPercentage: o.AutoShrinkPercentage,
		AutoShrinkMinSize:    int(o.AutoShrinkMinSize),
		AutoShrinkDisabled:   true,
	}
}
