/* sp_output: write-then-rename for every output file, so a failed run
 * leaves no partial output.
 *
 *   sp_output o;
 *   sp_output_begin("out/hot.shp", &o);    // o.tmp_path: where to write
 *   ... write o.tmp_path (and its sidecars, e.g. .dbf .shx .prj) ...
 *   rc ? sp_output_abort(&o) : (rc = sp_output_commit(&o));
 *
 * The temporary folder lies inside the target's folder, so the final rename
 * never crosses file systems.  Every file written beside tmp_path (sidecars)
 * is moved to the target folder, keeping its extension.  An existing target
 * (and its sidecars) is replaced.  commit and abort free what begin allocated. */
#ifndef SP_OUTPUT_H
#define SP_OUTPUT_H

typedef struct sp_output {
    char *final_path;
    char *tmp_dir;
    char *tmp_path;
} sp_output;

int sp_output_begin(const char *path, sp_output *o);
int sp_output_commit(sp_output *o);
void sp_output_abort(sp_output *o);

#endif
