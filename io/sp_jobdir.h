/* sp_jobdir: a job's output folder written atomically: everything goes to a
 * temporary folder beside the target (same file system), renamed over the
 * target at the end, or removed on failure, so a failed run writes nothing.
 *
 *   char *tmp;
 *   sp_jobdir_begin("out/china", &tmp);  ... write under tmp ...
 *   rc ? sp_jobdir_abort(tmp) : (rc = sp_jobdir_commit(tmp, "out/china"));
 *
 * commit and abort free tmp.  An existing target folder is replaced, but
 * only when it is empty or an earlier output (manifest.json or shard.json
 * in it): begin refuses any other folder, and a file, with SP_EUSAGE. */
#ifndef SP_JOBDIR_H
#define SP_JOBDIR_H

int sp_jobdir_begin(const char *final, char **tmp);
int sp_jobdir_commit(char *tmp, const char *final);
void sp_jobdir_abort(char *tmp);

/* Copy the files under src into dst (folders created as needed). */
int sp_jobdir_copy_tree(const char *src, const char *dst);

/* Copy one file. */
int sp_jobdir_copy_file(const char *src, const char *dst);

#endif
