/* sp_coupling: coupling degree C, development T, coordination D and its classes. */
#include <math.h>

#include "sp_coupling.h"
#include "sp_error.h"

static const char *const class_en[10] = {
    "extreme disorder", "serious disorder", "moderate disorder", "mild disorder",
    "on the verge of disorder", "barely coordinated", "primary coordination",
    "intermediate coordination", "good coordination", "quality coordination"};
static const char *const class_zh[10] = {
    "极度失调", "严重失调", "中度失调", "轻度失调", "濒临失调",
    "勉强协调", "初级协调", "中级协调", "良好协调", "优质协调"};

/* C from the geometric and arithmetic means: (G / A) for standard, G / sum u for variant. */
int sp_coupling_degree(const double *u, int s, const double *a, sp_coupling_form form,
                       const char *what, double *C, double *T, double *D)
{
    double sum = 0, logprod = 0, t = 0;
    int zero = 0;
    for (int i = 0; i < s; i++) {
        if (!(u[i] >= 0 && u[i] <= 1))
            return sp_error_set(SP_EDATA, "%s: subsystem %d scores %g: coupling needs scores in [0, 1]",
                                what, i + 1, u[i]);
        sum += u[i];
        zero |= u[i] == 0;
        logprod += u[i] > 0 ? log(u[i]) : 0;
        t += (a ? a[i] : 1.0 / s) * u[i];
    }
    if (sum == 0)
        return sp_error_set(SP_EDATA, "%s: every subsystem scores 0: the coupling degree is undefined", what);
    double geo = zero ? 0 : exp(logprod / s);                 /* (prod u)^(1/s) */
    *C = geo / (form == SP_COUPLING_STANDARD ? sum / s : sum);
    *T = t;
    *D = sqrt(*C * t);
    return SP_OK;
}

int sp_coupling_class(double D)
{
    int c = (int)floor(D * 10 + 1e-12) + 1;   /* 0.3 in binary is just below 0.3: class 4 */
    return c < 1 ? 1 : c > 10 ? 10 : c;
}

const char *sp_coupling_class_en(int c)
{
    return c >= 1 && c <= 10 ? class_en[c - 1] : "";
}

const char *sp_coupling_class_zh(int c)
{
    return c >= 1 && c <= 10 ? class_zh[c - 1] : "";
}
