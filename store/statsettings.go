package store

import (
	"context"
	"database/sql"
	"errors"

	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// statisticsSettingsName is the name of the settings singleton.
const statisticsSettingsName = "statisticsSettings"

// Keys of the settings table.
const (
	keySuppressionThreshold = "statistics.suppression_threshold"
	keyStatisticsRevision   = "statistics.revision"
	keyStatisticsUpdateTime = "statistics.update_time"
)

func (tx *Tx) setting(ctx context.Context, key string, def int64) (int64, error) {
	var v int64
	err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return def, nil
	}
	return v, dbError(err)
}

func (tx *Tx) suppressionThreshold(ctx context.Context) (int, error) {
	t, err := tx.setting(ctx, keySuppressionThreshold, DefaultSuppressionThreshold)
	// Whatever is stored, never below the minimum.
	return max(int(t), MinSuppressionThreshold), err
}

func (tx *Tx) statisticsSettings(ctx context.Context) (*pb.StatisticsSettings, error) {
	t, err := tx.suppressionThreshold(ctx)
	if err != nil {
		return nil, err
	}
	rev, err := tx.setting(ctx, keyStatisticsRevision, 0)
	if err != nil {
		return nil, err
	}
	updated, err := tx.setting(ctx, keyStatisticsUpdateTime, 0)
	if err != nil {
		return nil, err
	}
	s := &pb.StatisticsSettings{Name: statisticsSettingsName, SuppressionThreshold: int32(t), Etag: etag(statisticsSettingsName, rev)}
	if updated != 0 {
		setResourceMeta(s, statisticsSettingsName, updated, updated, s.Etag)
	}
	return s, nil
}

// StatisticsSettings returns the settings of the statistics.
func (db *DB) StatisticsSettings(ctx context.Context, name string) (*pb.StatisticsSettings, error) {
	if name != statisticsSettingsName {
		return nil, errorf(Invalid, "name", "want %q, the name of the settings, not %q", statisticsSettingsName, name)
	}
	var out *pb.StatisticsSettings
	err := db.read(ctx, func(tx *Tx) error {
		var err error
		out, err = tx.statisticsSettings(ctx)
		return err
	})
	return out, err
}

// UpdateStatisticsSettings changes the settings: apply gets the current
// ones and changes them in place, inside the transaction.
func (db *DB) UpdateStatisticsSettings(ctx context.Context, name string, o WriteOptions, apply func(*pb.StatisticsSettings) error) (*pb.StatisticsSettings, error) {
	if name != statisticsSettingsName {
		return nil, errorf(Invalid, "settings.name", "want %q, the name of the settings, not %q", statisticsSettingsName, name)
	}
	var out *pb.StatisticsSettings
	err := db.write(ctx, o.ValidateOnly, o.Audit, func(tx *Tx) error {
		cur, err := tx.statisticsSettings(ctx)
		if err != nil {
			return err
		}
		if err := checkEtag(o.Etag, cur.Etag, "settings.etag"); err != nil {
			return err
		}
		before := proto.Clone(cur)
		if err := apply(cur); err != nil {
			return err
		}
		t := cur.SuppressionThreshold
		if t < MinSuppressionThreshold || t > MaxSuppressionThreshold {
			return errorf(Invalid, "settings.suppression_threshold", "must be from %d to %d: smaller counts than %d would single people out",
				MinSuppressionThreshold, MaxSuppressionThreshold, MinSuppressionThreshold)
		}
		if unchanged(before, cur) {
			out = cur
			return nil
		}
		rev, err := tx.setting(ctx, keyStatisticsRevision, 0)
		if err != nil {
			return err
		}
		for key, value := range map[string]int64{keySuppressionThreshold: int64(t), keyStatisticsRevision: rev + 1,
			keyStatisticsUpdateTime: micros(tx.now)} {
			if _, err := tx.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES (?, ?)
				ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value); err != nil {
				return dbError(err)
			}
		}
		out, err = tx.statisticsSettings(ctx)
		return err
	})
	return out, err
}
