-- Field schemes side by side, and organizations' sectors as codes.
--
-- ref_field_crosswalk pairs fields of two schemes that cover the same area
-- (or the first within the second), seeded from field_crosswalk.csv and
-- read both ways: statistics in one scheme count people coded in the other
-- through it, and expert finding matches across schemes.
CREATE TABLE ref_field_crosswalk (
	from_scheme TEXT NOT NULL,
	from_code   TEXT NOT NULL,
	to_scheme   TEXT NOT NULL,
	to_code     TEXT NOT NULL,
	verified    INTEGER NOT NULL,
	source      TEXT NOT NULL,
	origin      TEXT NOT NULL CHECK (origin IN ('seed', 'admin')),
	load_time   INTEGER NOT NULL,
	PRIMARY KEY (from_scheme, from_code, to_scheme, to_code)
) STRICT, WITHOUT ROWID;

CREATE INDEX ref_field_crosswalk_to ON ref_field_crosswalk(to_scheme, to_code);

-- The sections of the Vietnam Standard Industrial Classification 2018
-- (Decision 27/2018/QĐ-TTg), A to U.
CREATE TABLE ref_sectors (
	code      TEXT PRIMARY KEY,
	name_vi   TEXT NOT NULL,
	verified  INTEGER NOT NULL,
	origin    TEXT NOT NULL CHECK (origin IN ('seed', 'admin')),
	load_time INTEGER NOT NULL
) STRICT;

-- Free-text sectors that name a section plainly become its code; any other
-- text stays as it was, so that it is seen (SECTOR counts it under its own
-- text) and corrected by hand: an update that keeps it is accepted, a new
-- value must be a code.
CREATE TEMP TABLE sector_text_codes (text TEXT PRIMARY KEY, code TEXT NOT NULL);
INSERT INTO sector_text_codes VALUES
	('Nông nghiệp', 'A'),
	('Lâm nghiệp', 'A'),
	('Thủy sản', 'A'),
	('Thuỷ sản', 'A'),
	('Nông nghiệp, lâm nghiệp và thủy sản', 'A'),
	('Nông nghiệp, lâm nghiệp và thuỷ sản', 'A'),
	('Khai khoáng', 'B'),
	('Công nghiệp', 'C'),
	('Công nghiệp chế biến, chế tạo', 'C'),
	('Điện', 'D'),
	('Năng lượng', 'D'),
	('Môi trường', 'E'),
	('Xây dựng', 'F'),
	('Thương mại', 'G'),
	('Vận tải', 'H'),
	('Giao thông vận tải', 'H'),
	('Du lịch', 'I'),
	('Thông tin và truyền thông', 'J'),
	('Thông tin - truyền thông', 'J'),
	('Tài chính', 'K'),
	('Ngân hàng', 'K'),
	('Tài chính - ngân hàng', 'K'),
	('Tài chính, ngân hàng', 'K'),
	('Bất động sản', 'L'),
	('Khoa học và công nghệ', 'M'),
	('Khoa học công nghệ', 'M'),
	('Khoa học', 'M'),
	('Quản lý nhà nước', 'O'),
	('Hành chính nhà nước', 'O'),
	('Quốc phòng', 'O'),
	('An ninh', 'O'),
	('Giáo dục', 'P'),
	('Giáo dục và đào tạo', 'P'),
	('Giáo dục và Đào tạo', 'P'),
	('Giáo dục - Đào tạo', 'P'),
	('Đào tạo', 'P'),
	('Y tế', 'Q'),
	('Y tế và trợ giúp xã hội', 'Q'),
	('Văn hóa', 'R'),
	('Văn hoá', 'R'),
	('Nghệ thuật', 'R'),
	('Thể thao', 'R'),
	('Văn hóa, thể thao', 'R');
-- The revision moves, so that an etag read before no longer matches.
UPDATE organizations SET
	sector = (SELECT code FROM sector_text_codes WHERE text = trim(organizations.sector)),
	revision = revision + 1
WHERE trim(sector) IN (SELECT text FROM sector_text_codes);
DROP TABLE sector_text_codes;
