/* cmd_fit_shared: what a series of `spill fit` runs in one process share, read
 * once (tables, weights matrices, the eigenvalues of the final W), for the
 * specification grids of `spill run` (see cmd_fit.h). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_fit.h"
#include "sp_error.h"
#include "sp_wio.h"

/* The most distinct matrices whose eigenvalues are kept (each n doubles
 * twice plus a copy of W): beyond, further ones are computed per fit. */
#define EIG_MAX 256

typedef struct shared_table {
    char *path, *layer; /* layer "" for none */
    sp_table *t;
} shared_table;

typedef struct shared_w {
    char *path;
    sp_weights *w;
} shared_w;

typedef struct shared_eig {
    sp_csr *W;       /* the matrix the eigenvalues are of (a copy) */
    double *re, *im;
} shared_eig;

struct sp_cmd_fit_shared {
    pthread_mutex_t lock;  /* guards the lists; the entries are never changed once added */
    shared_table *tab;
    int ntab;
    shared_w *w;
    int nw;
    shared_eig *eig[EIG_MAX];
    int neig;
};

/* An empty object: nothing read yet. */
int sp_cmd_fit_shared_new(sp_cmd_fit_shared **out)
{
    sp_cmd_fit_shared *s = sp_calloc(1, sizeof *s);
    if (!s)
        return SP_ENOMEM;
    if (pthread_mutex_init(&s->lock, NULL) != 0) {
        free(s);
        return sp_error_set(SP_ENOMEM, "cannot create a mutex");
    }
    *out = s;
    return SP_OK;
}

/* Everything it read or computed (after the last run). */
void sp_cmd_fit_shared_free(sp_cmd_fit_shared *s)
{
    if (!s)
        return;
    for (int k = 0; k < s->ntab; k++) {
        free(s->tab[k].path), free(s->tab[k].layer);
        sp_table_free(s->tab[k].t);
    }
    for (int k = 0; k < s->nw; k++) {
        free(s->w[k].path);
        sp_weights_free(s->w[k].w);
    }
    for (int k = 0; k < s->neig; k++) {
        sp_csr_free(s->eig[k]->W);
        free(s->eig[k]->re), free(s->eig[k]->im), free(s->eig[k]);
    }
    free(s->tab), free(s->w);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

/* Append t (read from path, layer) to the list; t freed on failure. */
static int add_table(sp_cmd_fit_shared *s, const char *path, const char *layer, sp_table *t)
{
    shared_table *grown = sp_realloc(s->tab, (size_t)(s->ntab + 1) * sizeof *grown);
    char *p = sp_strdup(path), *l = sp_strdup(layer);
    if (!grown || !p || !l) {
        if (grown)
            s->tab = grown;
        free(p), free(l);
        sp_table_free(t);
        return SP_ENOMEM;
    }
    s->tab = grown;
    s->tab[s->ntab++] = (shared_table){p, l, t};
    return SP_OK;
}

/* The table of path and layer, read by the first run that needs it. */
int sp_cmd_fit_shared_table(sp_cmd_fit_shared *s, const char *path, const char *layer,
                            const sp_table **out)
{
    const char *l = layer ? layer : "";
    int rc = SP_OK;
    pthread_mutex_lock(&s->lock);  /* reads are serialised: one thread reads a file */
    int k = 0;
    while (k < s->ntab && (strcmp(s->tab[k].path, path) || strcmp(s->tab[k].layer, l)))
        k++;
    if (k == s->ntab) {
        sp_table *t;
        rc = sp_table_read(path, layer, &t);
        if (!rc)
            rc = add_table(s, path, l, t);
    }
    if (!rc)
        *out = s->tab[k].t;
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* The matrix file path, read by the first run that needs it. */
int sp_cmd_fit_shared_weights(sp_cmd_fit_shared *s, const char *path, const sp_weights **out)
{
    int rc = SP_OK;
    pthread_mutex_lock(&s->lock);
    int k = 0;
    while (k < s->nw && strcmp(s->w[k].path, path))
        k++;
    if (k == s->nw) {
        sp_weights *W = NULL;
        shared_w *grown = NULL;
        char *p = NULL;
        rc = sp_wio_read(path, &W);
        if (!rc && (!(grown = sp_realloc(s->w, (size_t)(s->nw + 1) * sizeof *grown)) ||
                    !(p = sp_strdup(path))))
            rc = SP_ENOMEM;
        if (grown)
            s->w = grown;
        if (rc) {
            sp_weights_free(W);
            free(p);
        } else {
            s->w[s->nw++] = (shared_w){p, W};
        }
    }
    if (!rc)
        *out = s->w[k].w;
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* The entry whose matrix equals W, or NULL (called under the lock). */
static const shared_eig *find_eig(const sp_cmd_fit_shared *s, const sp_csr *W)
{
    for (int k = 0; k < s->neig; k++)
        if (sp_csr_equal(s->eig[k]->W, W))
            return s->eig[k];
    return NULL;
}

/* Keep the eigenvalues of ops (of W) unless the list is full or has them. */
static void add_eig(sp_cmd_fit_shared *s, const sp_csr *W, const sp_pops *ops)
{
    size_t n = (size_t)W->nrow;
    shared_eig *e = sp_calloc(1, sizeof *e);
    if (!e || sp_csr_copy(W, &e->W) || !(e->re = sp_malloc(n * sizeof *e->re)) ||
        !(e->im = sp_malloc(n * sizeof *e->im))) { /* not kept: the next fit computes them */
        if (e)
            sp_csr_free(e->W), free(e->re), free(e);
        sp_error_clear();
        return;
    }
    memcpy(e->re, ops->eig_re, n * sizeof *e->re);
    memcpy(e->im, ops->eig_im, n * sizeof *e->im);
    pthread_mutex_lock(&s->lock);
    int keep = s->neig < EIG_MAX && !find_eig(s, W);
    if (keep)
        s->eig[s->neig++] = e;
    pthread_mutex_unlock(&s->lock);
    if (!keep)
        sp_csr_free(e->W), free(e->re), free(e->im), free(e);
}

/* The dense operators on W, its eigenvalues copied when an equal W had them
 * computed (compared entry by entry: sp_csr_equal), else computed and kept. */
int sp_cmd_fit_shared_dense(sp_cmd_fit_shared *s, const sp_csr *W, sp_pops *ops)
{
    pthread_mutex_lock(&s->lock);
    const shared_eig *e = find_eig(s, W);
    pthread_mutex_unlock(&s->lock);
    if (e) /* entries are never changed or freed while fits run */
        return sp_pops_dense_given(W, e->re, e->im, ops);
    int rc = sp_pops_dense(W, ops);
    if (!rc)
        add_eig(s, W, ops);
    return rc;
}
