/* sp_shard: `spill lisa|hotspot --shard I/N` and the merge of their outputs.
 *
 * Shard I of N covers the features [lo, hi) of SRC with lo = floor((I-1) F / N)
 * and hi = floor(I F / N) (F features): it reads all the data and W (the
 * statistics need every unit's value), permutes only its units (the random
 * numbers are keyed by unit, so they are those of the unsharded run) and
 * writes the rows of its features.  Beside its output OUT it writes
 * OUT.shard.json: {"command", "run" (SHA-256 of the command line without
 * --shard, -o, --threads, --timing and the summary format), "shard", "of",
 * "features", "first", "last"}.  sp_shard_merge joins the N outputs into the
 * output of the unsharded run: a CSV byte for byte (the first shard's bytes,
 * then each next shard's without its header line); a GeoPackage's rows with
 * their geometry blobs through SQLite (sp_gpkg_db.h; the R-tree packed by
 * sp_gpkg_rtree); other formats feature by feature through GDAL; the same
 * fields, geometries and values (the files' bytes differ, e.g. timestamps).
 *
 * Errors follow sp_error.h: a bad I/N is SP_EUSAGE; a missing or repeated
 * shard, shards of different runs or a file that is no shard output SP_EDATA. */
#ifndef SP_SHARD_H
#define SP_SHARD_H

/* "I/N" with 1 <= I <= N into *shard = I, *count = N; option names the flag
 * in the message ("--shard"). */
int sp_shard_parse(const char *s, const char *option, int *shard, int *count);

/* The features [*lo, *hi) of shard I of N over n features. */
void sp_shard_range(int n, int shard, int count, int *lo, int *hi);

/* The run's fingerprint: SHA-256 (hex) of argv[0..argc-1] without the
 * options that do not change the output layer's rows. */
void sp_shard_fingerprint(int argc, char **argv, char hex[65]);

/* The shard record of out_path, written to out_path.shard.json through
 * sp_output once the output itself is in place. */
typedef struct sp_shard_record {
    const char *cmd;
    char run[65];
    int shard, count, features, lo, hi;
} sp_shard_record;

int sp_shard_record_write(const char *out_path, const sp_shard_record *r);

/* Join the shard outputs files[0..n-1] (any order, each once) into out_path. */
int sp_shard_merge(const char *out_path, const char *const *files, int n);

#endif
