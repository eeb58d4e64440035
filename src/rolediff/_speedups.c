/* Optional compiled kernels for posting analysis. Each does exactly what a NumPy path in the
 * package does, and the tests check the two agree; when this module is not built (no C
 * compiler at install time) or ROLEDIFF_PURE_PYTHON is set, rolediff uses the NumPy paths.
 *
 * prepare(text, lower, spaced, out_codes) -> (low, spaced) | None   skills.Prepared.of
 * count_terms(codes, keys, positions, multipliers, shift, bucket_mask, n_keys, out_idx,
 *             out_counts) -> n                                       skills.HashIndex.count_terms
 *   Which terms of a hash index (words, and pairs of adjacent words) occur in a spaced text
 *   (Words.of, Words.pairs, HashIndex.find, then sorting and counting the positions found):
 *   codes        the spaced text's code points (uint8 or uint32; 32 separates words, and so
 *                does U+3000 in uint32 text)
 *   keys, positions, multipliers, shift, bucket_mask   the HashIndex's tables
 *   n_keys       how many keys the index holds (positions are below it)
 *   out_idx, out_counts   int64 buffers of at least len(codes) + 1 items
 *   writes the positions found, ascending and distinct, and how often each occurs; returns how
 *   many.
 * score_terms(idx, counts, records, n_labels, out_values, out_logits)  classify._text_vector
 * top_terms(idx, values, pull, wordy, limit, out_columns, out_weights) -> n  classify._top_terms
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifndef SOURCE_DIGEST
#define SOURCE_DIGEST "unknown"
#endif

static const uint64_t BASE = 0x100000001B3ULL; /* skills._BASE */
static const uint64_t PAIR = 0x9E3779B97F4A7C15ULL; /* skills._PAIR */

/* The hash of each run of non-separators, in order (Words.of): sum of code * BASE**offset. */
#define HASH_WORDS(NAME, TYPE, IS_SEPARATOR)                                      \
    static Py_ssize_t NAME(const TYPE *codes, Py_ssize_t n, uint64_t *out) {     \
        Py_ssize_t words = 0, i = 0;                                              \
        while (i < n) {                                                           \
            if (IS_SEPARATOR(codes[i])) {                                         \
                i++;                                                              \
                continue;                                                         \
            }                                                                     \
            uint64_t h = 0, power = 1;                                            \
            for (; i < n && !IS_SEPARATOR(codes[i]); i++) {                       \
                h += (uint64_t)codes[i] * power;                                  \
                power *= BASE;                                                    \
            }                                                                     \
            out[words++] = h;                                                     \
        }                                                                         \
        return words;                                                             \
    }
#define NARROW_SEPARATOR(c) ((c) == 32)
#define WIDE_SEPARATOR(c) ((c) == 32 || (c) == 0x3000)
HASH_WORDS(hash_words_narrow, uint8_t, NARROW_SEPARATOR)
HASH_WORDS(hash_words_wide, uint32_t, WIDE_SEPARATOR)

static int get_buffer(PyObject *obj, Py_buffer *view, int flags, Py_ssize_t itemsize,
                      const char *name) {
    if (PyObject_GetBuffer(obj, view, flags | PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) {
        return -1;
    }
    if (itemsize && view->itemsize != itemsize) {
        PyErr_Format(PyExc_TypeError, "%s: items of %zd bytes expected", name, itemsize);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

/* One buffer argument: its position, whether it is written, its item size (0: any), its name. */
typedef struct {
    int arg;
    int writable;
    Py_ssize_t itemsize;
    const char *name;
} BufferArg;

/* Take the views of n buffer arguments; on failure the error is set, and release() frees those
   taken (views start zeroed: a view not taken has no object). */
static int get_buffers(PyObject *const *args, const BufferArg *specs, Py_buffer *const *views,
                       int n) {
    for (int i = 0; i < n; i++) {
        int flags = specs[i].writable ? PyBUF_WRITABLE : PyBUF_SIMPLE;
        if (get_buffer(args[specs[i].arg], views[i], flags, specs[i].itemsize, specs[i].name) < 0)
            return -1;
    }
    return 0;
}

static void release(Py_buffer *const *views, int n) {
    for (int i = 0; i < n; i++) {
        if (views[i]->obj) PyBuffer_Release(views[i]);
    }
}

static PyObject *count_terms(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 9) {
        PyErr_SetString(PyExc_TypeError, "count_terms takes 9 arguments");
        return NULL;
    }
    Py_buffer codes = {0}, keys = {0}, positions = {0}, multipliers = {0};
    Py_buffer out_idx = {0}, out_counts = {0};
    Py_buffer *const views[] = {&codes, &keys, &positions, &multipliers, &out_idx, &out_counts};
    PyObject *result = NULL;
    uint8_t *seen = NULL;
    uint32_t *counts = NULL;
    uint64_t *hashes = NULL;
    uint64_t shift = PyLong_AsUnsignedLongLong(args[4]);
    uint64_t bucket_mask = PyLong_AsUnsignedLongLong(args[5]);
    Py_ssize_t n_keys = PyLong_AsSsize_t(args[6]);
    if (PyErr_Occurred()) {
        return NULL;
    }
    static const BufferArg specs[] = {
        {0, 0, 0, "codes"}, {1, 0, 8, "keys"},    {2, 0, 4, "positions"},
        {3, 0, 8, "multipliers"}, {7, 1, 8, "out_idx"}, {8, 1, 8, "out_counts"},
    };
    if (get_buffers(args, specs, views, 6) < 0) goto done;
    if (codes.itemsize != 1 && codes.itemsize != 4) {
        PyErr_SetString(PyExc_TypeError, "codes: uint8 or uint32 items expected");
        goto done;
    }
    Py_ssize_t n = codes.len / codes.itemsize;
    Py_ssize_t table = keys.len / 8;
    if (n_keys < 0 || shift >= 64 || table != ((Py_ssize_t)1 << (64 - shift)) ||
        positions.len / 4 != table || (Py_ssize_t)bucket_mask + 1 != multipliers.len / 8 ||
        out_idx.len / 8 < n + 1 || out_counts.len / 8 < n + 1) {
        PyErr_SetString(PyExc_ValueError, "count_terms: inconsistent index or output sizes");
        goto done;
    }
    const uint64_t *key_of = keys.buf, *multiplier_of = multipliers.buf;
    const int32_t *position_of = positions.buf;
    int64_t *idx_out = out_idx.buf, *count_out = out_counts.buf;
    Py_ssize_t found = 0;
    if (n_keys > 0) {
        counts = PyMem_Calloc((size_t)n_keys, sizeof(uint32_t));
        seen = PyMem_Calloc((size_t)n_keys / 8 + 1, 1);
        if (counts == NULL || seen == NULL) {
            PyErr_NoMemory();
            goto done;
        }
        /* First every word's hash, then every pair's, then the lookups: a loop of
           independent lookups lets the processor wait for several table reads at once. */
        hashes = PyMem_Malloc(sizeof(uint64_t) * (size_t)(n + 2));
        if (hashes == NULL) {
            PyErr_NoMemory();
            goto done;
        }
        Py_ssize_t words = codes.itemsize == 4 ? hash_words_wide(codes.buf, n, hashes)
                                               : hash_words_narrow(codes.buf, n, hashes);
        Py_ssize_t terms = words;
        for (Py_ssize_t w = 1; w < words; w++) {
            hashes[terms++] = hashes[w - 1] * PAIR + hashes[w];
        }
        /* Without a branch on found / not found, which the processor cannot predict: a
           term not in the index adds 0 at its slot's position. */
        for (Py_ssize_t t = 0; t < terms; t++) {
            uint64_t h = hashes[t];
            uint64_t slot = (h * multiplier_of[h & bucket_mask]) >> shift;
            uint32_t at = (uint32_t)position_of[slot];
            uint32_t hit = key_of[slot] == h;
            if (at >= (uint32_t)n_keys) { /* never, for a HashIndex's own tables */
                at = 0;
                hit = 0;
            }
            counts[at] += hit;
            seen[at >> 3] |= (uint8_t)(hit << (at & 7));
        }
        for (Py_ssize_t byte = 0; byte <= n_keys / 8; byte++) {
            if (!seen[byte]) continue;
            for (int bit = 0; bit < 8; bit++) {
                if (seen[byte] & (1u << bit)) {
                    Py_ssize_t at = byte * 8 + bit;
                    idx_out[found] = at;
                    count_out[found] = counts[at];
                    found++;
                }
            }
        }
    }
    result = PyLong_FromSsize_t(found);
done:
    PyMem_Free(counts);
    PyMem_Free(hashes);
    PyMem_Free(seen);
    release(views, 6);
    return result;
}

/* prepare(text, lower, spaced, out_codes) -> (low, spaced) | None: Prepared.of for text of the
 * Basic Multilingual Plane. `lower` and `spaced` are the uint32 tables of skills._bmp_tables
 * (lower case of each code point; code of each lower-case code point in the spaced text);
 * out_codes a uint32 buffer of len(text) items, which receives the spaced codes. Returns the
 * lower-case text and the spaced text, or None when the text holds a code point beyond the
 * plane or a capital sigma, whose lower case depends on its neighbours. */

/* A str of n code points (all at most maxchar) from a uint32 array. */
static PyObject *str_of(const uint32_t *codes, Py_ssize_t n, uint32_t maxchar) {
    PyObject *out = PyUnicode_New(n, maxchar);
    if (out == NULL) return NULL;
    if (PyUnicode_KIND(out) == PyUnicode_1BYTE_KIND) {
        Py_UCS1 *to = PyUnicode_1BYTE_DATA(out);
        for (Py_ssize_t i = 0; i < n; i++) to[i] = (Py_UCS1)codes[i];
    } else if (PyUnicode_KIND(out) == PyUnicode_2BYTE_KIND) {
        Py_UCS2 *to = PyUnicode_2BYTE_DATA(out);
        for (Py_ssize_t i = 0; i < n; i++) to[i] = (Py_UCS2)codes[i];
    } else {
        memcpy(PyUnicode_4BYTE_DATA(out), codes, (size_t)n * sizeof(Py_UCS4));
    }
    return out;
}

#define LOWER_CODES(TYPE)                                                         \
    do {                                                                          \
        const TYPE *from = (const TYPE *)data;                                    \
        for (Py_ssize_t i = 0; i < n; i++) {                                      \
            uint32_t low = lower_of[from[i]];                                     \
            if (from[i] == 0x03A3 || low > 0xFFFF) fallback = 1;                  \
            codes[i] = low;                                                       \
            if (low > max_low) max_low = low;                                     \
        }                                                                         \
    } while (0)

static PyObject *prepare(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 4 || !PyUnicode_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "prepare takes a str and 3 buffers");
        return NULL;
    }
    PyObject *text = args[0];
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (kind == PyUnicode_4BYTE_KIND) {
        Py_RETURN_NONE;
    }
    Py_buffer lower = {0}, spaced = {0}, out = {0};
    Py_buffer *const views[] = {&lower, &spaced, &out};
    static const BufferArg specs[] = {
        {1, 0, 4, "lower"}, {2, 0, 4, "spaced"}, {3, 1, 4, "out_codes"},
    };
    PyObject *result = NULL, *low_text = NULL, *spaced_text = NULL;
    if (get_buffers(args, specs, views, 3) < 0) goto done;
    if (lower.len / 4 < 0x10000 || spaced.len / 4 < 0x10000 || out.len / 4 < n) {
        PyErr_SetString(PyExc_ValueError, "prepare: tables or output too small");
        goto done;
    }
    const uint32_t *lower_of = lower.buf, *spaced_of = spaced.buf;
    uint32_t *codes = out.buf;
    uint32_t max_low = 0, max_spaced = 0;
    int fallback = 0; /* a capital sigma, or a table entry beyond the plane */
    if (kind == PyUnicode_1BYTE_KIND) {
        LOWER_CODES(Py_UCS1);
    } else {
        LOWER_CODES(Py_UCS2);
    }
    if (fallback) {
        result = Py_NewRef(Py_None);
        goto done;
    }
    low_text = str_of(codes, n, max_low);
    if (low_text == NULL) goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        codes[i] = spaced_of[codes[i]];
        if (codes[i] > max_spaced) max_spaced = codes[i];
    }
    spaced_text = str_of(codes, n, max_spaced);
    if (spaced_text == NULL) goto done;
    result = PyTuple_Pack(2, low_text, spaced_text);
done:
    Py_XDECREF(low_text);
    Py_XDECREF(spaced_text);
    release(views, 3);
    return result;
}

/* score_terms(idx, counts, records, n_labels, out_values, out_logits) -> None: the classifier's
 * text features and their part of the logits (classify._text_vector and the product with the
 * coefficients). records holds one row of 1 + n_labels + padding float64s per vocabulary term:
 * its idf, then its coefficient for each label. out_values receives the l2-normalised sublinear
 * tf-idf of each term found, out_logits (n_labels float64s) the sum of values times
 * coefficients. */
static PyObject *score_terms(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 6) {
        PyErr_SetString(PyExc_TypeError, "score_terms takes 6 arguments");
        return NULL;
    }
    Py_ssize_t n_labels = PyLong_AsSsize_t(args[3]);
    if (n_labels == -1 && PyErr_Occurred()) return NULL;
    Py_buffer idx = {0}, counts = {0}, records = {0}, values = {0}, logits = {0};
    Py_buffer *const views[] = {&idx, &counts, &records, &values, &logits};
    static const BufferArg specs[] = {
        {0, 0, 8, "idx"}, {1, 0, 8, "counts"}, {2, 0, 8, "records"},
        {4, 1, 8, "out_values"}, {5, 1, 8, "out_logits"},
    };
    PyObject *result = NULL;
    if (get_buffers(args, specs, views, 5) < 0) goto done;
    Py_ssize_t k = idx.len / 8;
    Py_ssize_t width = records.ndim == 2 ? records.shape[1] : 0;
    if (n_labels < 1 || width < 1 + n_labels || counts.len / 8 != k || values.len / 8 < k ||
        logits.len / 8 < n_labels) {
        PyErr_SetString(PyExc_ValueError, "score_terms: inconsistent sizes");
        goto done;
    }
    Py_ssize_t rows = records.shape[0];
    const int64_t *at = idx.buf, *count = counts.buf;
    const double *table = records.buf;
    double *value = values.buf, *logit = logits.buf;
    double squares = 0.0;
    for (Py_ssize_t i = 0; i < k; i++) {
        if (at[i] < 0 || at[i] >= rows || count[i] < 1) {
            PyErr_SetString(PyExc_ValueError, "score_terms: term or count out of range");
            goto done;
        }
        value[i] = (1.0 + log((double)count[i])) * table[at[i] * width];
        squares += value[i] * value[i];
    }
    double norm = sqrt(squares);
    for (Py_ssize_t j = 0; j < n_labels; j++) logit[j] = 0.0;
    for (Py_ssize_t i = 0; i < k; i++) {
        if (norm != 0.0) value[i] /= norm;
        const double *row = table + at[i] * width + 1;
        for (Py_ssize_t j = 0; j < n_labels; j++) logit[j] += value[i] * row[j];
    }
    result = Py_NewRef(Py_None);
done:
    release(views, 5);
    return result;
}

/* top_terms(idx, values, pull, wordy, limit, out_columns, out_weights) -> n: the evidence terms
 * (classify._top_terms). For each term found (column idx[i], tf-idf values[i]) its pull toward a
 * label is pull[idx[i]] * values[i] * wordy[idx[i]]; writes the (at most `limit`) positive
 * pulls, strongest first, ties by column (idx ascends), and their columns; returns how many. */
static PyObject *top_terms(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 7) {
        PyErr_SetString(PyExc_TypeError, "top_terms takes 7 arguments");
        return NULL;
    }
    Py_ssize_t limit = PyLong_AsSsize_t(args[4]);
    if (limit == -1 && PyErr_Occurred()) return NULL;
    Py_buffer idx = {0}, values = {0}, pull = {0}, wordy = {0}, columns = {0}, weights = {0};
    Py_buffer *const views[] = {&idx, &values, &pull, &wordy, &columns, &weights};
    static const BufferArg specs[] = {
        {0, 0, 8, "idx"}, {1, 0, 8, "values"}, {2, 0, 8, "pull"},
        {3, 0, 1, "wordy"}, {5, 1, 8, "out_columns"}, {6, 1, 8, "out_weights"},
    };
    PyObject *result = NULL;
    if (get_buffers(args, specs, views, 6) < 0) goto done;
    Py_ssize_t k = idx.len / 8;
    if (limit < 0 || values.len / 8 != k || columns.len / 8 < limit || weights.len / 8 < limit) {
        PyErr_SetString(PyExc_ValueError, "top_terms: inconsistent sizes");
        goto done;
    }
    const int64_t *at = idx.buf;
    const double *value = values.buf, *pull_of = pull.buf;
    const uint8_t *wordy_of = wordy.buf;
    int64_t *column = columns.buf;
    double *weight = weights.buf;
    Py_ssize_t n_pull = pull.len / 8, n_wordy = wordy.len, n = 0;
    for (Py_ssize_t i = 0; i < k; i++) {
        if (at[i] < 0 || at[i] >= n_pull || at[i] >= n_wordy) {
            PyErr_SetString(PyExc_ValueError, "top_terms: term out of range");
            goto done;
        }
        double c = pull_of[at[i]] * value[i] * (wordy_of[at[i]] ? 1.0 : 0.0);
        if (!(c > 0.0) || (n == limit && !(c > weight[n - 1]))) continue;
        Py_ssize_t j = n < limit ? n++ : n - 1; /* the last place, freed if the list is full */
        for (; j > 0 && weight[j - 1] < c; j--) { /* after every equal pull: ties by column */
            weight[j] = weight[j - 1];
            column[j] = column[j - 1];
        }
        weight[j] = c;
        column[j] = at[i];
    }
    result = PyLong_FromSsize_t(n);
done:
    release(views, 6);
    return result;
}

static PyMethodDef methods[] = {
    {"count_terms", (PyCFunction)(void (*)(void))count_terms, METH_FASTCALL,
     "Positions of the index's terms found in a spaced text, and their counts."},
    {"score_terms", (PyCFunction)(void (*)(void))score_terms, METH_FASTCALL,
     "The classifier's tf-idf values of the terms found and their part of the logits."},
    {"top_terms", (PyCFunction)(void (*)(void))top_terms, METH_FASTCALL,
     "The terms that pull hardest toward a label, strongest first."},
    {"prepare", (PyCFunction)(void (*)(void))prepare, METH_FASTCALL,
     "The lower-case text and its spaced codes, for text of the Basic Multilingual Plane."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "rolediff._speedups",
    "Optional compiled kernels (see rolediff.skills).", -1, methods,
};

PyMODINIT_FUNC PyInit__speedups(void) {
    PyObject *m = PyModule_Create(&module);
    if (m != NULL && PyModule_AddStringConstant(m, "SOURCE_DIGEST", SOURCE_DIGEST) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
