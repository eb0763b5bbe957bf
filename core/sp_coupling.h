/* sp_coupling: the coupling coordination degree of s >= 2 subsystems scored
 * u_1..u_s in [0, 1], and its ten-class scale (docs/distribution.md).
 *
 *   standard  C = [prod u_i / ((1/s) sum u_i)^s]^(1/s)    (max 1; the n-system
 *             form; for s = 2 it is 2 sqrt(u1 u2) / (u1 + u2), which the
 *             option name "two" also selects, for s = 2 only)
 *   variant   C = [prod u_i / (sum u_i)^s]^(1/s) = standard / s; for s = 2
 *             sqrt(u1 u2) / (u1 + u2) (max 0.5), printed by many papers
 *   T = sum a_i u_i (a_i = 1/s unless given),  D = sqrt(C T).
 * Classes of D in steps of 0.1 (Liao 1999): class c = 1..10 for D in
 * [(c-1)/10, c/10), class 10 also for D = 1.
 *
 * Errors (sp_error.h): SP_EDATA for a u outside [0, 1] or all u = 0 (C
 * undefined), with `what` naming the unit.  Nothing is allocated. */
#ifndef SP_COUPLING_H
#define SP_COUPLING_H

typedef enum sp_coupling_form { SP_COUPLING_STANDARD, SP_COUPLING_VARIANT } sp_coupling_form;

/* C, T and D of u[0..s-1] with weights a (NULL: 1/s each). */
int sp_coupling_degree(const double *u, int s, const double *a, sp_coupling_form form,
                       const char *what, double *C, double *T, double *D);

/* Class 1..10 of D (D in [0, 1]). */
int sp_coupling_class(double D);

/* English and Chinese names of class c (1..10): "extreme disorder" / "极度失调" ... */
const char *sp_coupling_class_en(int c);
const char *sp_coupling_class_zh(int c);

#endif
