package store

import (
	"context"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/refdata"
)

// Sectors: the sections of VSIC 2018 (Decision 27/2018/QĐ-TTg), the codes
// Organization.sector takes.

// RefSector and RefFieldCrosswalk name the lists of sectors and of pairs of
// fields across schemes.
const (
	RefSector         = refdata.Sector
	RefFieldCrosswalk = refdata.FieldCrosswalk
)

const sectorColumns = `code, name_vi, verified`

func scanSector(s scanner, extra ...any) (*pb.Sector, error) {
	var e pb.Sector
	if err := s.Scan(append([]any{&e.Code, &e.NameVi, &e.Verified}, extra...)...); err != nil {
		return nil, err
	}
	e.Name = "sectors/" + e.Code
	return &e, nil
}

var sectorsList = codeList[*pb.Sector]{collection: "sectors", table: "ref_sectors", columns: sectorColumns, ranked: false,
	example: "sectors/P", see: "ListSectors", scan: scanSector}

// ListSectors lists the sectors by code.
func (db *DB) ListSectors(ctx context.Context, q ListQuery) ([]*pb.Sector, Page, error) {
	return sectorsList.list(ctx, db, q)
}

// GetSector returns a sector by its name, sectors/{code}.
func (db *DB) GetSector(ctx context.Context, name string) (*pb.Sector, error) {
	return sectorsList.get(ctx, db, name)
}
