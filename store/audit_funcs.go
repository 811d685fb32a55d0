package store

/*
#include <stdint.h>
#include <string.h>

// Declared here, as budget.go declares what it calls: the driver compiles
// SQLite into the binary without putting its header on our include path.
typedef struct sqlite3 sqlite3;
typedef struct sqlite3_context sqlite3_context;
typedef struct sqlite3_value sqlite3_value;
int sqlite3_create_function_v2(sqlite3*, const char*, int, int, void*,
	void (*)(sqlite3_context*, int, sqlite3_value**),
	void (*)(sqlite3_context*, int, sqlite3_value**),
	void (*)(sqlite3_context*), void (*)(void*));
int sqlite3_value_type(sqlite3_value*);
const void *sqlite3_value_blob(sqlite3_value*);
const unsigned char *sqlite3_value_text(sqlite3_value*);
int sqlite3_value_bytes(sqlite3_value*);
long long sqlite3_value_int64(sqlite3_value*);
void sqlite3_result_int(sqlite3_context*, int);
void sqlite3_result_null(sqlite3_context*);
void sqlite3_result_error(sqlite3_context*, const char*, int);
void sqlite3_result_error_nomem(sqlite3_context*);
void sqlite3_result_text(sqlite3_context*, const char*, int, void (*)(void*));
void *sqlite3_malloc64(unsigned long long);
void sqlite3_free(void*);

enum {
	TRITHUC_INTEGER = 1, TRITHUC_TEXT = 3, TRITHUC_BLOB = 4,
	TRITHUC_UTF8 = 1, TRITHUC_DETERMINISTIC = 0x800, TRITHUC_INNOCUOUS = 0x200000,
};

// As maxPersonNum and maxUnpackedPeople of audit_people.go.
#define TRITHUC_MAX_NUM (((int64_t)1 << 62) - 1)
#define TRITHUC_MAX_UNPACKED ((int64_t)1 << 20)

static const char trithuc_damaged[] = "store: damaged packed people of an audit event";

// As Go's binary.Uvarint: 0, or -1 for bytes cut short or past 64 bits.
static int trithuc_uvarint(const unsigned char **p, const unsigned char *end, uint64_t *v) {
	uint64_t x = 0;
	unsigned s = 0;
	for (int i = 0; *p < end; i++) {
		if (i == 10) {
			return -1;
		}
		unsigned char c = *(*p)++;
		if (c < 0x80) {
			if (i == 9 && c > 1) {
				return -1;
			}
			*v = x | (uint64_t)c << s;
			return 0;
		}
		x |= (uint64_t)(c & 0x7f) << s;
		s += 7;
	}
	return -1;
}

// The next run of a packed blob, as peopleRuns reads it: 1 and the run's
// first number and how many more follow it, 0 at the end, -1 for bytes
// packPeopleNums could not write.
static int trithuc_run(const unsigned char **p, const unsigned char *end, int64_t *prev,
		int64_t *start, uint64_t *more) {
	uint64_t token;
	if (*p == end) {
		return 0;
	}
	if (trithuc_uvarint(p, end, &token)) {
		return -1;
	}
	uint64_t zz = token >> 1; // below 2^63, so |delta| below 2^62
	*start = *prev + ((int64_t)(zz >> 1) ^ -(int64_t)(zz & 1));
	if (*start < 1 || *start > TRITHUC_MAX_NUM) {
		return -1;
	}
	*more = 0;
	if (token & 1) {
		if (trithuc_uvarint(p, end, more) || *more == 0 || *more > (uint64_t)(TRITHUC_MAX_NUM - *start)) {
			return -1;
		}
	}
	*prev = *start + (int64_t)*more;
	return 1;
}

// 1 when the blob holds num, 0 when not, -1 when damaged before num.
static int trithuc_people_has(const unsigned char *p, int n, int64_t num) {
	const unsigned char *end = p + n;
	int64_t prev = 0, start;
	uint64_t more;
	int r;
	while ((r = trithuc_run(&p, end, &prev, &start, &more)) == 1) {
		if (num >= start && (uint64_t)(num - start) <= more) {
			return 1;
		}
	}
	return r;
}

// The blob's numbers as a JSON array, in memory of sqlite3_malloc64; NULL
// when damaged (*len -1) or out of memory (*len 0).
static char *trithuc_people_json(const unsigned char *p, int n, int *len) {
	const unsigned char *end = p + n, *q = p;
	int64_t prev = 0, start, count = 0;
	uint64_t more;
	int r;
	*len = -1;
	while ((r = trithuc_run(&q, end, &prev, &start, &more)) == 1) {
		if ((uint64_t)(TRITHUC_MAX_UNPACKED - count) <= more) {
			return NULL;
		}
		count += (int64_t)more + 1;
	}
	if (r < 0) {
		return NULL;
	}
	*len = 0;
	char *out = sqlite3_malloc64((unsigned long long)count * 20 + 2);
	if (out == NULL) {
		return NULL;
	}
	char *w = out;
	*w++ = '[';
	prev = 0;
	while (trithuc_run(&p, end, &prev, &start, &more) == 1) {
		for (uint64_t i = 0; i <= more; i++) {
			char digits[20];
			int k = 0;
			for (int64_t v = start + (int64_t)i; v > 0; v /= 10) {
				digits[k++] = (char)('0' + v % 10);
			}
			if (w > out + 1) {
				*w++ = ',';
			}
			while (k > 0) {
				*w++ = digits[--k];
			}
		}
	}
	*w++ = ']';
	*len = (int)(w - out);
	return out;
}

// audit_people_has(people, num, id): whether a read event's people hold
// the person numbered num (a packed BLOB) or with that id (ids separated
// by spaces, as stored before 0027).
static void trithuc_sql_people_has(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
	switch (sqlite3_value_type(argv[0])) {
	case TRITHUC_BLOB: {
		if (sqlite3_value_type(argv[1]) != TRITHUC_INTEGER) {
			sqlite3_result_int(ctx, 0);
			return;
		}
		int r = trithuc_people_has(sqlite3_value_blob(argv[0]), sqlite3_value_bytes(argv[0]),
			(int64_t)sqlite3_value_int64(argv[1]));
		if (r < 0) {
			sqlite3_result_error(ctx, trithuc_damaged, -1);
		} else {
			sqlite3_result_int(ctx, r);
		}
		return;
	}
	case TRITHUC_TEXT: {
		const char *s = (const char *)sqlite3_value_text(argv[0]);
		int n = sqlite3_value_bytes(argv[0]);
		const char *id = (const char *)sqlite3_value_text(argv[2]);
		int idn = sqlite3_value_bytes(argv[2]);
		for (int i = 0; s != NULL && id != NULL && idn > 0 && i <= n;) {
			const char *sp = memchr(s + i, ' ', (size_t)(n - i));
			int j = sp ? (int)(sp - s) : n;
			if (j - i == idn && memcmp(s + i, id, (size_t)idn) == 0) {
				sqlite3_result_int(ctx, 1);
				return;
			}
			i = j + 1;
		}
		break;
	}
	}
	sqlite3_result_int(ctx, 0);
}

// audit_people_nums(people): the numbers of a packed BLOB as a JSON
// array, for json_each; NULL for anything else.
static void trithuc_sql_people_nums(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
	int n;
	if (sqlite3_value_type(argv[0]) != TRITHUC_BLOB || (n = sqlite3_value_bytes(argv[0])) == 0) {
		sqlite3_result_null(ctx);
		return;
	}
	int len;
	char *json = trithuc_people_json(sqlite3_value_blob(argv[0]), n, &len);
	if (json == NULL) {
		if (len < 0) {
			sqlite3_result_error(ctx, trithuc_damaged, -1);
		} else {
			sqlite3_result_error_nomem(ctx);
		}
		return;
	}
	sqlite3_result_text(ctx, json, len, sqlite3_free);
}

static int trithuc_register_audit_funcs(void *db) {
	int flags = TRITHUC_UTF8 | TRITHUC_DETERMINISTIC | TRITHUC_INNOCUOUS;
	int rc = sqlite3_create_function_v2((sqlite3 *)db, "audit_people_has", 3, flags, NULL,
		trithuc_sql_people_has, NULL, NULL, NULL);
	if (rc != 0) {
		return rc;
	}
	return sqlite3_create_function_v2((sqlite3 *)db, "audit_people_nums", 1, flags, NULL,
		trithuc_sql_people_nums, NULL, NULL, NULL);
}
*/
import "C"

import (
	"fmt"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// The SQL functions that read packed people (audit_people.go) are C: a Go
// function registered through the driver costs about 2.8 µs a call (cgo
// and reflection), and asking the trail who read a person calls it once a
// row, twenty times the cost of the text search it replaces; in C the
// scan costs about what it did. Go's peopleRuns stays the reference, and
// FuzzUnpackAuditPeople holds the two to the same answers through SQL.

// registerAuditFuncs registers the functions on a connection of the
// store's pools (the driver of store.go).
func registerAuditFuncs(c *sqlite3.SQLiteConn) error {
	h, err := sqliteHandle(c)
	if err != nil {
		return err
	}
	if rc := C.trithuc_register_audit_funcs(h); rc != 0 {
		return fmt.Errorf("store: registering the audit trail's SQL functions: SQLite error %d", int(rc))
	}
	return nil
}
