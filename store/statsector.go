package store

import (
	"context"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// sectorDimension reports the sector (a section of VSIC 2018) of the
// organization of the position held on the day (the current one without
// as_of). A sector text from before sectors were codes is reported as it
// is, after the codes, so that it is seen and corrected.
func (tx *Tx) sectorDimension(ctx context.Context, on statsDay) (*statDim, error) {
	names, ranks, err := tx.refNames(ctx, `SELECT code, name_vi, unicode(code) FROM ref_sectors`)
	if err != nil {
		return nil, err
	}
	expr := on.held(`IFNULL((SELECT IFNULL(o.sector, '') FROM positions c LEFT JOIN organizations o ON o.pk = c.organization_pk
		WHERE c.person_pk = p.pk AND c.is_current = 1 ORDER BY c.start_date DESC, c.pk DESC LIMIT 1), '')`,
		on.positionOn("IFNULL(ho.sector, '')", "''"))
	d := codeDim(pb.ComputeStatisticsRequest_SECTOR, expr, names, ranks)
	d.lookup = true
	return d, nil
}
