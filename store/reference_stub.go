package store

import (
	"context"
	"time"
)

// TEMPORARY: stands in for the reference data until it lands; to be
// replaced by reference.go.

type RefKind int

const (
	RefQualificationLevel RefKind = iota + 1
	RefAcademicTitle
	RefField
	RefEthnicGroup
	RefCountry
	RefAdminUnit
)

func (tx *Tx) checkRef(ctx context.Context, v *Invalids, kind RefKind, field, code string, on time.Time) error {
	return nil
}

var stubRanks = map[string]int{"SO_CAP_1": 1, "SO_CAP_2": 2, "SO_CAP_3": 3, "TRUNG_CAP": 4, "CAO_DANG": 5, "DAI_HOC": 6, "THAC_SI": 7, "TIEN_SI": 8, "TIEN_SI_KHOA_HOC": 9}

func (tx *Tx) levelRank(ctx context.Context, code string) (int, error) { return stubRanks[code], nil }

func (tx *Tx) fieldNames(ctx context.Context, names []string) ([]string, error) { return nil, nil }

func qualificationLevelRanks() map[string]int { return stubRanks }
