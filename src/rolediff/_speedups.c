/* Optional compiled kernels for posting analysis. Each does exactly what a path of the package
 * does in NumPy or in plain Python (for scan_keys, with the pyahocorasick automaton), and the
 * tests check the two agree; when this module is not built (no C compiler at install time) or
 * ROLEDIFF_PURE_PYTHON is set, rolediff uses those paths.
 *
 * key_table(...) -> table; scan_keys(codes, table, text, groups) -> [(end, value), ...]
 *   scan.scan's automaton and scan._place_matches: see the comment above key_table.
 * place_skills(matches, url_starts, url_ends, passes, text, low) -> {id: [(start, stop)]}
 *                                                                    skills.SkillMatcher._place
 * prepare(text, lower, spaced, out_codes) -> low | None                skills.Prepared.of
 * count_terms(codes, slots, multipliers, shift, bucket_mask, n_keys, out_idx, out_counts)
 *   -> n                                                              skills.HashIndex.count_terms
 *   Which terms of a hash index (words, and pairs of adjacent words) occur in a spaced text
 *   (Words.of, Words.pairs, HashIndex.find, then sorting and counting the positions found):
 *   codes        the spaced text's code points (uint8 or uint32; 32 separates words, and so
 *                does U+3000 in uint32 text)
 *   slots, multipliers, shift, bucket_mask   the HashIndex's tables (slots: uint64 pairs,
 *                each slot's key and that key's position)
 *   n_keys       how many keys the index holds (positions are below it)
 *   out_idx, out_counts   int64 buffers of at least len(codes) + 1 items
 *   writes the positions found, ascending and distinct, and how often each occurs; returns how
 *   many.
 * score_terms(idx, counts, records, n_labels, out_values, out_logits)  classify._text_vector
 * add_features(features, scale, columns, intercept, text_logits) -> [logit, ...]
 *                                                                     classify.role_scores
 * top_terms(idx, values, records, n_labels, label, limit) -> (columns, weights)
 *                                                                     classify._top_terms
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
/* How many lookups ahead a table read is requested (the tables outgrow the fast caches). */
#define LOOKAHEAD 16

/* BASE**k for the first offsets of a word, so that hashing a code point waits for no multiply
   before it; POWER(k, tail) is BASE**k for any k, offsets taken in order (`tail`, starting at
   the last power in the table, carries it past the table). Filled when the module loads. */
#define KNOWN_POWERS 256
static uint64_t POWERS[KNOWN_POWERS];
#define POWER(k, tail) ((k) < KNOWN_POWERS ? POWERS[(k)] : ((tail) *= BASE))

/* The hash of each run of non-separators, in order (Words.of): sum of code * BASE**offset.
   Without a branch on separators, which the processor could not predict at every word's end:
   each code point either adds to the running word's hash or, a separator, ends the word, whose
   hash is written where the next word's goes and kept (`words` moves past it) only if a word
   was running. Offsets beyond the table of powers (words of 256 and more code points) carry
   `tail` on, as POWER does; a separator resets it. */
#define HASH_WORDS(NAME, TYPE, IS_SEPARATOR)                                      \
    static Py_ssize_t NAME(const TYPE *codes, Py_ssize_t n, uint64_t *out) {     \
        Py_ssize_t words = 0;                                                     \
        uint64_t h = 0, k = 0, tail = POWERS[KNOWN_POWERS - 1];                   \
        for (Py_ssize_t i = 0; i < n; i++) {                                      \
            uint64_t code = codes[i];                                             \
            uint64_t in_word = !IS_SEPARATOR(code), keep = 0 - in_word;           \
            out[words] = h;                                                       \
            words += (Py_ssize_t)((k != 0) & !in_word);                           \
            h = (h + code * POWER(k, tail)) & keep;                               \
            k = (k + 1) & keep;                                                   \
            tail = in_word ? tail : POWERS[KNOWN_POWERS - 1];                     \
        }                                                                         \
        out[words] = h;                                                           \
        return words + (Py_ssize_t)(k != 0);                                      \
    }
#define NARROW_SEPARATOR(c) ((c) == 32)
#define WIDE_SEPARATOR(c) (((c) == 32) | ((c) == 0x3000))
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

/* count_terms' tally of the keys found: a count per key and a bit per key, all zero between
   calls (each call clears what it set), grown to the largest index seen. Shared without a lock:
   count_terms holds the GIL throughout and calls no Python code. Counting this way, then
   reading the bits in order, gives the positions ascending without sorting the hits (sorting
   cost a quarter of the call). */
static uint32_t *tally_counts = NULL;
static uint64_t *tally_bits = NULL;
static Py_ssize_t tally_keys = 0;

static int tally_room(Py_ssize_t n_keys) {
    if (n_keys <= tally_keys) return 0;
    uint32_t *counts = PyMem_Calloc((size_t)n_keys, sizeof(uint32_t));
    uint64_t *bits = PyMem_Calloc((size_t)(n_keys + 63) / 64, sizeof(uint64_t));
    if (counts == NULL || bits == NULL) {
        PyMem_Free(counts);
        PyMem_Free(bits);
        PyErr_NoMemory();
        return -1;
    }
    PyMem_Free(tally_counts);
    PyMem_Free(tally_bits);
    tally_counts = counts;
    tally_bits = bits;
    tally_keys = n_keys;
    return 0;
}

static PyObject *count_terms(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 8) {
        PyErr_SetString(PyExc_TypeError, "count_terms takes 8 arguments");
        return NULL;
    }
    Py_buffer codes = {0}, slots = {0}, multipliers = {0};
    Py_buffer out_idx = {0}, out_counts = {0};
    Py_buffer *const views[] = {&codes, &slots, &multipliers, &out_idx, &out_counts};
    PyObject *result = NULL;
    uint64_t *hashes = NULL;
    uint32_t *found_at = NULL;
    uint64_t shift = PyLong_AsUnsignedLongLong(args[3]);
    uint64_t bucket_mask = PyLong_AsUnsignedLongLong(args[4]);
    Py_ssize_t n_keys = PyLong_AsSsize_t(args[5]);
    if (PyErr_Occurred()) {
        return NULL;
    }
    static const BufferArg specs[] = {
        {0, 0, 0, "codes"}, {1, 0, 8, "slots"}, {2, 0, 8, "multipliers"},
        {6, 1, 8, "out_idx"}, {7, 1, 8, "out_counts"},
    };
    if (get_buffers(args, specs, views, 5) < 0) goto done;
    if (codes.itemsize != 1 && codes.itemsize != 4) {
        PyErr_SetString(PyExc_TypeError, "codes: uint8 or uint32 items expected");
        goto done;
    }
    Py_ssize_t n = codes.len / codes.itemsize;
    Py_ssize_t table = slots.len / 16;
    if (n_keys < 0 || n_keys > UINT32_MAX || shift < 1 || shift >= 64 ||
        table != ((Py_ssize_t)1 << (64 - shift)) ||
        (Py_ssize_t)bucket_mask + 1 != multipliers.len / 8 || out_idx.len / 8 < n + 1 ||
        out_counts.len / 8 < n + 1) {
        PyErr_SetString(PyExc_ValueError, "count_terms: inconsistent index or output sizes");
        goto done;
    }
    /* slots: per table slot its key and the key's position, side by side (one memory read) */
    const uint64_t *slot_of = slots.buf, *multiplier_of = multipliers.buf;
    int64_t *idx_out = out_idx.buf, *count_out = out_counts.buf;
    Py_ssize_t found = 0;
    if (n_keys > 0) {
        /* First every word's hash, then every pair's, then the lookups: a loop of
           independent lookups lets the processor wait for several table reads at once. */
        hashes = PyMem_Malloc(sizeof(uint64_t) * (size_t)(n + 2));
        found_at = PyMem_Malloc(sizeof(uint32_t) * (size_t)(n + 2));
        if (hashes == NULL || found_at == NULL) {
            PyErr_NoMemory();
            goto done;
        }
        Py_ssize_t words = codes.itemsize == 4 ? hash_words_wide(codes.buf, n, hashes)
                                               : hash_words_narrow(codes.buf, n, hashes);
        Py_ssize_t terms = words;
        for (Py_ssize_t w = 1; w < words; w++) {
            hashes[terms++] = hashes[w - 1] * PAIR + hashes[w];
        }
        /* Without a branch on found / not found, which the processor cannot predict: every
           lookup writes its position, and only a key found moves past it. */
        Py_ssize_t hits = 0;
        for (Py_ssize_t t = 0; t < terms; t++) {
            if (t + LOOKAHEAD < terms) { /* ask for a later lookup's slot now */
                uint64_t later = hashes[t + LOOKAHEAD];
                __builtin_prefetch(slot_of + 2 * ((later * multiplier_of[later & bucket_mask]) >> shift));
            }
            uint64_t h = hashes[t];
            uint64_t slot = (h * multiplier_of[h & bucket_mask]) >> shift;
            uint64_t at = slot_of[2 * slot + 1];
            uint64_t hit = slot_of[2 * slot] == h && at < (uint64_t)n_keys;
            found_at[hits] = (uint32_t)at;
            hits += (Py_ssize_t)hit;
        }
        if (tally_room(n_keys) < 0) goto done;
        Py_ssize_t distinct = 0;
        for (Py_ssize_t i = 0; i < hits; i++) {
            uint32_t key = found_at[i];
            distinct += tally_counts[key]++ == 0;
            tally_bits[key >> 6] |= 1ULL << (key & 63);
        }
        Py_ssize_t n_words = (n_keys + 63) / 64;
        for (Py_ssize_t w = 0; w < n_words && found < distinct; w++) {
            uint64_t set = tally_bits[w];
            tally_bits[w] = 0;
            while (set) {
                Py_ssize_t key = w * 64 + __builtin_ctzll(set);
                set &= set - 1;
                idx_out[found] = key;
                count_out[found++] = tally_counts[key];
                tally_counts[key] = 0;
            }
        }
    }
    result = PyLong_FromSsize_t(found);
done:
    PyMem_Free(hashes);
    PyMem_Free(found_at);
    release(views, 5);
    return result;
}

/* prepare(text, lower, spaced, out_codes) -> low | None: Prepared.of for text of the Basic
 * Multilingual Plane. `lower` and `spaced` are the uint32 tables of skills._bmp_tables (lower
 * case of each code point; code of each lower-case code point in the spaced text); out_codes a
 * uint32 buffer of len(text) items, which receives the spaced codes. Returns the lower-case
 * text, or None when the text holds a code point beyond the plane or a capital sigma, whose
 * lower case depends on its neighbours. */

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
    PyObject *result = NULL;
    if (get_buffers(args, specs, views, 3) < 0) goto done;
    if (lower.len / 4 < 0x10000 || spaced.len / 4 < 0x10000 || out.len / 4 < n) {
        PyErr_SetString(PyExc_ValueError, "prepare: tables or output too small");
        goto done;
    }
    const uint32_t *lower_of = lower.buf, *spaced_of = spaced.buf;
    uint32_t *codes = out.buf;
    uint32_t max_low = 0;
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
    result = str_of(codes, n, max_low);
    if (result == NULL) goto done;
    for (Py_ssize_t i = 0; i < n; i++) codes[i] = spaced_of[codes[i]];
done:
    release(views, 3);
    return result;
}

/* score_terms(idx, counts, records, n_labels, out_values, out_logits) -> None: the classifier's
 * text features and their part of the logits (classify._text_vector and the product with the
 * coefficients). records holds one row of float64s per vocabulary term: its idf, then its
 * coefficient for each label, then (for top_terms) its evidence flag, then padding. out_values
 * receives the l2-normalised sublinear tf-idf of each term found, out_logits (n_labels
 * float64s) the sum of values times coefficients. */
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
        if (i + LOOKAHEAD < k && at[i + LOOKAHEAD] >= 0 && at[i + LOOKAHEAD] < rows)
            __builtin_prefetch(table + at[i + LOOKAHEAD] * width);
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

/* add_features(features, scale, columns, intercept, text_logits) -> [logit, ...]: the last
 * step of classify.role_scores' logits, (intercept + text_logits) + (features * scale) @ columns,
 * without making the small NumPy arrays that cost more than the arithmetic. features is a list
 * of floats (the extra features, unscaled), scale their weights, columns one row of label
 * weights per feature (float64, features x labels), intercept and text_logits one value per
 * label. */
static PyObject *add_features(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 5 || !PyList_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "add_features takes a list and four arrays");
        return NULL;
    }
    Py_buffer scale = {0}, columns = {0}, intercept = {0}, text = {0};
    Py_buffer *const views[] = {&scale, &columns, &intercept, &text};
    static const BufferArg specs[] = {
        {1, 0, 8, "scale"}, {2, 0, 8, "columns"}, {3, 0, 8, "intercept"}, {4, 0, 8, "text_logits"},
    };
    PyObject *result = NULL;
    double *sums = NULL;
    if (get_buffers(args, specs, views, 4) < 0) goto done;
    Py_ssize_t m = PyList_GET_SIZE(args[0]), n_labels = intercept.len / 8;
    if (n_labels < 1 || scale.len / 8 != m || columns.len / 8 != m * n_labels ||
        text.len / 8 != n_labels) {
        PyErr_SetString(PyExc_ValueError, "add_features: inconsistent sizes");
        goto done;
    }
    sums = PyMem_Calloc((size_t)n_labels, sizeof(double));
    if (sums == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    const double *weight = scale.buf, *row = columns.buf;
    for (Py_ssize_t j = 0; j < m; j++, row += n_labels) {
        double value = PyFloat_AsDouble(PyList_GET_ITEM(args[0], j));
        if (value == -1.0 && PyErr_Occurred()) goto done;
        value *= weight[j];
        for (Py_ssize_t l = 0; l < n_labels; l++) sums[l] += value * row[l];
    }
    result = PyList_New(n_labels);
    if (result == NULL) goto done;
    const double *base = intercept.buf, *from_text = text.buf;
    for (Py_ssize_t l = 0; l < n_labels; l++) {
        PyObject *logit = PyFloat_FromDouble((base[l] + from_text[l]) + sums[l]);
        if (logit == NULL) {
            Py_CLEAR(result);
            goto done;
        }
        PyList_SET_ITEM(result, l, logit);
    }
done:
    PyMem_Free(sums);
    release(views, 4);
    return result;
}

/* top_terms(idx, values, records, n_labels, label, limit) -> (columns, weights): the evidence
 * terms (classify._top_terms). records as for score_terms, with one more column after the
 * coefficients: 1.0 for a term that may be shown as evidence (classify._explains), else 0.0.
 * A term's pull toward `label` is its coefficient there less the mean of its coefficients for
 * the other labels (classify's `pull`,
 * computed here in the same order of operations, so equal to the last bit); for each term found
 * (column idx[i], tf-idf values[i]) the weight is pull * values[i] * its evidence flag. Returns
 * the (at most `limit`) positive weights, strongest first, ties by column (idx ascends), and
 * their columns, as lists. The records of the terms found are those score_terms has just read:
 * no other table is touched. */
static PyObject *top_terms(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 6) {
        PyErr_SetString(PyExc_TypeError, "top_terms takes 6 arguments");
        return NULL;
    }
    Py_ssize_t n_labels = PyLong_AsSsize_t(args[3]);
    Py_ssize_t label = PyLong_AsSsize_t(args[4]);
    Py_ssize_t limit = PyLong_AsSsize_t(args[5]);
    if (PyErr_Occurred()) return NULL;
    Py_buffer idx = {0}, values = {0}, records = {0};
    Py_buffer *const views[] = {&idx, &values, &records};
    static const BufferArg specs[] = {{0, 0, 8, "idx"}, {1, 0, 8, "values"}, {2, 0, 8, "records"}};
    PyObject *result = NULL, *columns_out = NULL, *weights_out = NULL;
    int64_t *column = NULL;
    double *weight = NULL;
    if (get_buffers(args, specs, views, 3) < 0) goto done;
    Py_ssize_t k = idx.len / 8;
    Py_ssize_t width = records.ndim == 2 ? records.shape[1] : 0;
    if (limit < 0 || limit > 1024 || n_labels < 2 || label < 0 || label >= n_labels ||
        width < 2 + n_labels || values.len / 8 != k) {
        PyErr_SetString(PyExc_ValueError, "top_terms: inconsistent sizes");
        goto done;
    }
    column = PyMem_Malloc(sizeof(int64_t) * (size_t)(limit + 1));
    weight = PyMem_Malloc(sizeof(double) * (size_t)(limit + 1));
    if (column == NULL || weight == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t rows = records.shape[0];
    const int64_t *at = idx.buf;
    const double *value = values.buf, *table = records.buf;
    Py_ssize_t n = 0;
    /* What a term must beat to enter: a positive pull, then (the list full) the weakest kept.
       One comparison, mostly false once the list is full: a branch the processor predicts. */
    double threshold = 0.0;
    for (Py_ssize_t i = 0; i < k && limit > 0; i++) {
        if (at[i] < 0 || at[i] >= rows) {
            PyErr_SetString(PyExc_ValueError, "top_terms: term out of range");
            goto done;
        }
        const double *coef = table + at[i] * width + 1;
        double sum = coef[0];
        for (Py_ssize_t j = 1; j < n_labels; j++) sum += coef[j];
        double others = (sum - coef[label]) / (double)(n_labels - 1);
        double pull = coef[label] - others;
        double c = pull * value[i] * coef[n_labels];
        if (!(c > threshold)) continue;
        Py_ssize_t j = n < limit ? n++ : n - 1; /* the last place, freed if the list is full */
        for (; j > 0 && weight[j - 1] < c; j--) { /* after every equal pull: ties by column */
            weight[j] = weight[j - 1];
            column[j] = column[j - 1];
        }
        weight[j] = c;
        column[j] = at[i];
        if (n == limit) threshold = weight[n - 1];
    }
    columns_out = PyList_New(n);
    weights_out = PyList_New(n);
    if (columns_out == NULL || weights_out == NULL) goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *c = PyLong_FromLongLong(column[i]), *w = PyFloat_FromDouble(weight[i]);
        if (c == NULL || w == NULL) {
            Py_XDECREF(c);
            Py_XDECREF(w);
            goto done;
        }
        PyList_SET_ITEM(columns_out, i, c);
        PyList_SET_ITEM(weights_out, i, w);
    }
    result = PyTuple_Pack(2, columns_out, weights_out);
done:
    Py_XDECREF(columns_out);
    Py_XDECREF(weights_out);
    PyMem_Free(column);
    PyMem_Free(weight);
    release(views, 3);
    return result;
}

/* ---- scan_keys: the scan automaton's matches, found by words instead ---------------------
 *
 * key_table(prefixes, prefix_groups, group_starts, group_keys, cores, core_starts, leads,
 *           trails, needles, needle_starts, max_words, max_gap, values) -> capsule
 * scan_keys(codes, table, text, groups) -> [(end, value), ...]  scan._automaton's matches,
 *                                                              placed by scan._place_matches
 *
 * The scan automaton (scan._automaton) looks in the padded spaced text f" {spaced} " for two
 * kinds of key: skill keys, a run of whole words with given spaces between them and at least
 * `lead` spaces before and `trail` after (" ci cd "), and needles, short strings found anywhere
 * ("dev", "on site"). The matches are those of iterating the automaton over that text:
 * (end, value) for every occurrence of every key, `end` the padded index of its last code
 * point, ordered by end and, for one end, longest key first. scan_keys returns the skill
 * keys' matches, and appends each needle's place (start, end) in `text` (the original text)
 * to the lists of `groups` its value names, as scan._place_matches does.
 *
 * Skill keys are found word by word: a table holds the hash (skills.hash_terms' polynomial,
 * code * BASE**offset, over the code points) of every word-prefix of every key's core (the key
 * without its outer spaces); a run of words is extended while it is such a prefix, and where it
 * is a whole core, the core's code points are compared and each key with that core checked for
 * its outer spaces. Needles are compared where their first three code points are.
 *   prefixes       uint64, the distinct prefix hashes
 *   prefix_groups  int32, per prefix the core (group) it completes, or -1
 *   group_starts   int32, per group + 1: its keys are group_keys[group_starts[g]:...[g + 1]]
 *   cores, core_starts  uint32 code points of each group's core, and int32 offsets (+ 1)
 *   leads, trails  int32, per skill key (key ids 0..): spaces required before and after
 *   needles, needle_starts  uint32 code points of each needle, int32 offsets (+ 1); needle
 *                  i is key id n_skill_keys + i
 *   max_words      most words in a core; max_gap the most spaces between two of its words
 *   values         tuple: per key id, the value returned with it (its length is read from
 *                  leads + core + trails for skill keys, from the needle for needles) */

typedef struct {
    Py_ssize_t mask; /* open addressing, linear probing: slots - 1 */
    uint64_t *slot_hash;
    int32_t *slot_value; /* group, -1 for a prefix only, -2 for an empty slot */
    Py_ssize_t n_groups, n_skill_keys, n_needles, n_cores;
    int32_t *group_starts, *group_keys, *core_starts, *leads, *trails, *needle_starts;
    uint32_t *cores, *needles;
    int max_words, max_gap;
    uint64_t first[256], second[256], third[256]; /* needles by first / second / third code
                                                     point (mod 256) */
    uint64_t starts[1024]; /* a bit per prefix hash (bits 16-31 of hash * PAIR, mod 2**16): a
                              word whose bit is clear starts no key */
    PyObject *values;
} KeyTable;

static void key_table_free(PyObject *capsule) {
    KeyTable *t = PyCapsule_GetPointer(capsule, "rolediff.KeyTable");
    if (t == NULL) return;
    PyMem_Free(t->slot_hash);
    PyMem_Free(t->slot_value);
    PyMem_Free(t->group_starts);
    PyMem_Free(t->group_keys);
    PyMem_Free(t->core_starts);
    PyMem_Free(t->leads);
    PyMem_Free(t->trails);
    PyMem_Free(t->needle_starts);
    PyMem_Free(t->cores);
    PyMem_Free(t->needles);
    Py_XDECREF(t->values);
    PyMem_Free(t);
}

static void *copy_of(const Py_buffer *view) {
    void *out = PyMem_Malloc(view->len ? (size_t)view->len : 1);
    if (out != NULL && view->len) memcpy(out, view->buf, (size_t)view->len);
    return out;
}

static int offsets_ok(const int32_t *starts, Py_ssize_t n, Py_ssize_t total) {
    if (starts[0] != 0 || starts[n] != total) return 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (starts[i + 1] < starts[i]) return 0;
    }
    return 1;
}

static PyObject *key_table(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 13 || !PyTuple_Check(args[12])) {
        PyErr_SetString(PyExc_TypeError, "key_table takes 10 buffers, 2 integers and a tuple");
        return NULL;
    }
    long max_words = PyLong_AsLong(args[10]), max_gap = PyLong_AsLong(args[11]);
    if (PyErr_Occurred()) return NULL;
    Py_buffer prefixes = {0}, prefix_groups = {0}, group_starts = {0}, group_keys = {0};
    Py_buffer cores = {0}, core_starts = {0}, leads = {0}, trails = {0}, needles = {0};
    Py_buffer needle_starts = {0};
    Py_buffer *const views[] = {&prefixes, &prefix_groups, &group_starts, &group_keys, &cores,
                                &core_starts, &leads, &trails, &needles, &needle_starts};
    static const BufferArg specs[] = {
        {0, 0, 8, "prefixes"}, {1, 0, 4, "prefix_groups"}, {2, 0, 4, "group_starts"},
        {3, 0, 4, "group_keys"}, {4, 0, 4, "cores"}, {5, 0, 4, "core_starts"},
        {6, 0, 4, "leads"}, {7, 0, 4, "trails"}, {8, 0, 4, "needles"},
        {9, 0, 4, "needle_starts"},
    };
    PyObject *result = NULL;
    KeyTable *t = NULL;
    if (get_buffers(args, specs, views, 10) < 0) goto done;
    Py_ssize_t n_prefixes = prefixes.len / 8, n_groups = group_starts.len / 4 - 1;
    Py_ssize_t n_keys = leads.len / 4, n_needles = needle_starts.len / 4 - 1;
    Py_ssize_t n_values = PyTuple_GET_SIZE(args[12]);
    int ok = prefix_groups.len / 4 == n_prefixes && n_groups >= 0 && n_needles >= 0 &&
             n_needles <= 64 && trails.len / 4 == n_keys && core_starts.len / 4 == n_groups + 1 &&
             n_values == n_keys + n_needles && max_words >= 1 && max_gap >= 1 && max_gap <= 64;
    if (ok) {
        const int32_t *g = group_starts.buf, *k = group_keys.buf, *pg = prefix_groups.buf;
        const int32_t *l = leads.buf, *r = trails.buf;
        ok = offsets_ok(g, n_groups, group_keys.len / 4) &&
             offsets_ok(core_starts.buf, n_groups, cores.len / 4) &&
             offsets_ok(needle_starts.buf, n_needles, needles.len / 4);
        for (Py_ssize_t i = 0; ok && i < group_keys.len / 4; i++) ok = k[i] >= 0 && k[i] < n_keys;
        for (Py_ssize_t i = 0; ok && i < n_prefixes; i++) ok = pg[i] >= -1 && pg[i] < n_groups;
        for (Py_ssize_t i = 0; ok && i < n_keys; i++) ok = l[i] >= 1 && r[i] >= 1;
        for (Py_ssize_t i = 0; ok && i < n_needles; i++) {
            const int32_t *ns = needle_starts.buf;
            ok = ns[i + 1] > ns[i];
        }
    }
    if (!ok) {
        PyErr_SetString(PyExc_ValueError, "key_table: inconsistent tables");
        goto done;
    }
    t = PyMem_Calloc(1, sizeof(KeyTable));
    if (t == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t slots = 16;
    while (slots < 2 * n_prefixes) slots *= 2; /* load factor at most 1/2 */
    t->mask = slots - 1;
    t->slot_hash = PyMem_Calloc((size_t)slots, sizeof(uint64_t));
    t->slot_value = PyMem_Malloc((size_t)slots * sizeof(int32_t));
    t->group_starts = copy_of(&group_starts);
    t->group_keys = copy_of(&group_keys);
    t->core_starts = copy_of(&core_starts);
    t->leads = copy_of(&leads);
    t->trails = copy_of(&trails);
    t->needle_starts = copy_of(&needle_starts);
    t->cores = copy_of(&cores);
    t->needles = copy_of(&needles);
    if (!t->slot_hash || !t->slot_value || !t->group_starts || !t->group_keys ||
        !t->core_starts || !t->leads || !t->trails || !t->needle_starts || !t->cores ||
        !t->needles) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < slots; i++) t->slot_value[i] = -2;
    const uint64_t *ph = prefixes.buf;
    const int32_t *pg = prefix_groups.buf;
    for (Py_ssize_t i = 0; i < n_prefixes; i++) {
        Py_ssize_t at = (Py_ssize_t)((ph[i] * PAIR) >> 32) & t->mask;
        while (t->slot_value[at] != -2 && t->slot_hash[at] != ph[i]) at = (at + 1) & t->mask;
        if (t->slot_value[at] != -2) {
            PyErr_SetString(PyExc_ValueError, "key_table: prefixes must be distinct");
            goto done;
        }
        t->slot_hash[at] = ph[i];
        t->slot_value[at] = pg[i];
        uint64_t bit = ((ph[i] * PAIR) >> 16) & 0xFFFF; /* every core's first word among them */
        t->starts[bit >> 6] |= 1ULL << (bit & 63);
    }
    t->n_groups = n_groups;
    t->n_skill_keys = n_keys;
    t->n_needles = n_needles;
    t->max_words = (int)max_words;
    t->max_gap = (int)max_gap;
    for (Py_ssize_t i = 0; i < n_needles; i++) {
        const uint32_t *needle = t->needles + t->needle_starts[i];
        Py_ssize_t length = t->needle_starts[i + 1] - t->needle_starts[i];
        t->first[needle[0] & 0xFF] |= 1ULL << i;
        uint64_t *const later[] = {t->second, t->third};
        for (int j = 1; j <= 2; j++) { /* a needle this short matches any code point there */
            if (length <= j) {
                for (int c = 0; c < 256; c++) later[j - 1][c] |= 1ULL << i;
            } else {
                later[j - 1][needle[j] & 0xFF] |= 1ULL << i;
            }
        }
    }
    t->values = Py_NewRef(args[12]);
    result = PyCapsule_New(t, "rolediff.KeyTable", key_table_free);
    if (result != NULL) t = NULL; /* the capsule owns it */
done:
    if (t != NULL) {
        PyObject *owner = PyCapsule_New(t, "rolediff.KeyTable", key_table_free);
        Py_XDECREF(owner); /* frees what was made */
    }
    release(views, 10);
    return result;
}

typedef struct {
    Py_ssize_t end, length, id;
} KeyMatch;

static int match_order(const void *a, const void *b) {
    const KeyMatch *x = a, *y = b;
    if (x->end != y->end) return x->end < y->end ? -1 : 1;
    if (x->length != y->length) return x->length > y->length ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

static int32_t lookup(const KeyTable *t, uint64_t h) {
    Py_ssize_t at = (Py_ssize_t)((h * PAIR) >> 32) & t->mask;
    for (;;) {
        int32_t v = t->slot_value[at];
        if (v == -2) return -2;
        if (t->slot_hash[at] == h) return v;
        at = (at + 1) & t->mask;
    }
}

/* Appends a match, growing the array as needed; -1 on failure (error set). */
static int add_match(KeyMatch **matches, Py_ssize_t *n, Py_ssize_t *room, Py_ssize_t end,
                     Py_ssize_t length, Py_ssize_t id) {
    if (*n == *room) {
        Py_ssize_t grown = *room ? 2 * *room : 64;
        KeyMatch *more = PyMem_Realloc(*matches, (size_t)grown * sizeof(KeyMatch));
        if (more == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        *matches = more;
        *room = grown;
    }
    (*matches)[(*n)++] = (KeyMatch){end, length, id};
    return 0;
}

#define FIND_KEYS(NAME, TYPE)                                                               \
    static int NAME(const KeyTable *t, const TYPE *c, Py_ssize_t n, KeyMatch **matches,     \
                    Py_ssize_t *found, Py_ssize_t *room) {                                  \
        /* Skill keys: from each word, extend the run of words while it is a prefix. */     \
        Py_ssize_t i = 0;                                                                   \
        while (i < n) {                                                                     \
            if (c[i] == 32) {                                                               \
                i++;                                                                        \
                continue;                                                                   \
            }                                                                               \
            Py_ssize_t start = i, end = i, words = 0;                                       \
            uint64_t h = 0, tail = POWERS[KNOWN_POWERS - 1];                                \
            for (; end < n && c[end] != 32; end++) {                                        \
                h += (uint64_t)c[end] * POWER(end - start, tail);                           \
            }                                                                               \
            i = end; /* the next word starts after this one */                              \
            uint64_t bit = ((h * PAIR) >> 16) & 0xFFFF;                                     \
            if (!(t->starts[bit >> 6] & (1ULL << (bit & 63)))) continue;                    \
            for (;;) {                                                                      \
                if (words++) {                                                              \
                    for (; end < n && c[end] != 32; end++) {                                \
                        h += (uint64_t)c[end] * POWER(end - start, tail);                   \
                    }                                                                       \
                }                                                                           \
                int32_t group = lookup(t, h);                                               \
                if (group == -2) break;                                                     \
                if (group >= 0) {                                                           \
                    const uint32_t *core = t->cores + t->core_starts[group];                \
                    Py_ssize_t size = t->core_starts[group + 1] - t->core_starts[group];    \
                    int same = size == end - start;                                         \
                    for (Py_ssize_t k = 0; same && k < size; k++) same = core[k] == c[start + k]; \
                    for (int32_t g = t->group_starts[group]; same && g < t->group_starts[group + 1]; g++) { \
                        int32_t key = t->group_keys[g];                                     \
                        Py_ssize_t lead = t->leads[key], trail = t->trails[key];            \
                        /* The code points before the core (c[start - 1], a space or the    \
                           padding, first) and after it (c[end] first); the padded text has \
                           one space at index -1 and one at n. */                           \
                        int fits = start - lead >= -1 && end + trail - 1 <= n;              \
                        for (Py_ssize_t k = 2; fits && k <= lead; k++)                      \
                            fits = start - k < 0 || c[start - k] == 32;                     \
                        for (Py_ssize_t k = 1; fits && k < trail; k++)                      \
                            fits = end + k >= n || c[end + k] == 32;                        \
                        if (fits && add_match(matches, found, room, end + trail,            \
                                              lead + size + trail, key) < 0)                \
                            return -1;                                                      \
                    }                                                                       \
                }                                                                           \
                if (words == t->max_words) break;                                           \
                Py_ssize_t gap = 0;                                                         \
                for (; end < n && c[end] == 32 && gap <= t->max_gap; end++, gap++) {        \
                    h += 32 * POWER(end - start, tail);                                     \
                }                                                                           \
                if (gap > t->max_gap || end >= n) break;                                    \
            }                                                                               \
        }                                                                                   \
        /* Needles: wherever their first three code points are. */                           \
        for (Py_ssize_t at = 0; at < n; at++) {                                             \
            uint64_t candidates =                                                           \
                t->first[c[at] & 0xFF] & t->second[at + 1 < n ? c[at + 1] & 0xFF : 32] &    \
                t->third[at + 2 < n ? c[at + 2] & 0xFF : 32];                                \
            while (candidates) {                                                            \
                int k = __builtin_ctzll(candidates);                                        \
                candidates &= candidates - 1;                                               \
                const uint32_t *needle = t->needles + t->needle_starts[k];                  \
                Py_ssize_t size = t->needle_starts[k + 1] - t->needle_starts[k];            \
                int same = at + size <= n;                                                  \
                for (Py_ssize_t j = 0; same && j < size; j++) same = needle[j] == c[at + j]; \
                if (same && add_match(matches, found, room, at + size, size,                \
                                      t->n_skill_keys + k) < 0)                             \
                    return -1;                                                              \
            }                                                                               \
        }                                                                                   \
        return 0;                                                                           \
    }
FIND_KEYS(find_keys_narrow, uint8_t)
FIND_KEYS(find_keys_wide, uint32_t)

/* (a, b) for two ints, and (a, obj): as Py_BuildValue("(nn)") and "(nO)", without parsing a
 * format for each of the few dozen spans and matches a posting has. NULL with an error set. */
static PyObject *pair_of(Py_ssize_t a, PyObject *b) {
    PyObject *first = PyLong_FromSsize_t(a), *pair = NULL;
    if (first != NULL && b != NULL) pair = PyTuple_New(2);
    if (pair == NULL) {
        Py_XDECREF(first);
        Py_XDECREF(b);
        return NULL;
    }
    PyTuple_SET_ITEM(pair, 0, first);
    PyTuple_SET_ITEM(pair, 1, b); /* steals the reference */
    return pair;
}

static PyObject *span_of(Py_ssize_t start, Py_ssize_t end) {
    return pair_of(start, PyLong_FromSsize_t(end));
}

/* The value of a needle key is (length, ((group, accepted), ...)): appends (start, end) to
 * groups[group] for each entry whose accepted spellings (a frozenset, or None for any) hold
 * text[start:end]. 0, or -1 with an error set. */
static int add_needle(PyObject *value, PyObject *text, PyObject *groups, Py_ssize_t end) {
    if (!PyTuple_Check(value) || PyTuple_GET_SIZE(value) != 2 ||
        !PyTuple_Check(PyTuple_GET_ITEM(value, 1))) {
        PyErr_SetString(PyExc_TypeError, "scan_keys: a needle's value is (length, entries)");
        return -1;
    }
    Py_ssize_t length = PyLong_AsSsize_t(PyTuple_GET_ITEM(value, 0));
    if (length == -1 && PyErr_Occurred()) return -1;
    Py_ssize_t start = end - length;
    if (start < 0 || end > PyUnicode_GET_LENGTH(text)) {
        PyErr_SetString(PyExc_ValueError, "scan_keys: the text is not the one the codes spell");
        return -1;
    }
    PyObject *entries = PyTuple_GET_ITEM(value, 1), *span = NULL, *spelling = NULL;
    int failed = 0;
    for (Py_ssize_t e = 0; !failed && e < PyTuple_GET_SIZE(entries); e++) {
        PyObject *entry = PyTuple_GET_ITEM(entries, e);
        if (!PyTuple_Check(entry) || PyTuple_GET_SIZE(entry) != 2) {
            PyErr_SetString(PyExc_TypeError, "scan_keys: a needle entry is (group, accepted)");
            failed = 1;
            break;
        }
        Py_ssize_t group = PyLong_AsSsize_t(PyTuple_GET_ITEM(entry, 0));
        PyObject *accepted = PyTuple_GET_ITEM(entry, 1);
        if (group == -1 && PyErr_Occurred()) {
            failed = 1;
            break;
        }
        if (group < 0 || group >= PyTuple_GET_SIZE(groups) ||
            !PyList_Check(PyTuple_GET_ITEM(groups, group))) {
            PyErr_SetString(PyExc_ValueError, "scan_keys: no list for a needle's group");
            failed = 1;
            break;
        }
        if (accepted != Py_None) {
            if (spelling == NULL && (spelling = PyUnicode_Substring(text, start, end)) == NULL) {
                failed = 1;
                break;
            }
            int holds = PySet_Contains(accepted, spelling);
            if (holds < 0) failed = 1;
            if (holds <= 0) continue;
        }
        if (span == NULL && (span = span_of(start, end)) == NULL) {
            failed = 1;
            break;
        }
        if (PyList_Append(PyTuple_GET_ITEM(groups, group), span) < 0) failed = 1;
    }
    Py_XDECREF(span);
    Py_XDECREF(spelling);
    return failed ? -1 : 0;
}

static PyObject *scan_keys(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 4 || !PyUnicode_Check(args[2]) || !PyTuple_Check(args[3])) {
        PyErr_SetString(PyExc_TypeError, "scan_keys takes codes, a key table, a str and a tuple");
        return NULL;
    }
    KeyTable *t = PyCapsule_GetPointer(args[1], "rolediff.KeyTable");
    if (t == NULL) return NULL;
    Py_buffer codes = {0};
    Py_buffer *const views[] = {&codes};
    static const BufferArg specs[] = {{0, 0, 0, "codes"}};
    PyObject *result = NULL;
    KeyMatch *matches = NULL;
    Py_ssize_t found = 0, room = 0;
    if (get_buffers(args, specs, views, 1) < 0) goto done;
    if (codes.itemsize != 1 && codes.itemsize != 4) {
        PyErr_SetString(PyExc_TypeError, "codes: uint8 or uint32 items expected");
        goto done;
    }
    Py_ssize_t n = codes.len / codes.itemsize;
    int failed = codes.itemsize == 4 ? find_keys_wide(t, codes.buf, n, &matches, &found, &room)
                                     : find_keys_narrow(t, codes.buf, n, &matches, &found, &room);
    if (failed) goto done;
    if (found > 64) {
        qsort(matches, (size_t)found, sizeof(KeyMatch), match_order);
    } else { /* few, and each kind already in order of start: insertion sort */
        for (Py_ssize_t i = 1; i < found; i++) {
            KeyMatch m = matches[i];
            Py_ssize_t j = i;
            for (; j > 0 && match_order(&matches[j - 1], &m) > 0; j--) matches[j] = matches[j - 1];
            matches[j] = m;
        }
    }
    result = PyList_New(0);
    if (result == NULL) goto done;
    for (Py_ssize_t i = 0; i < found; i++) {
        PyObject *value = PyTuple_GET_ITEM(t->values, matches[i].id);
        if (matches[i].id >= t->n_skill_keys) {
            if (add_needle(value, args[2], args[3], matches[i].end) < 0) {
                Py_CLEAR(result);
                goto done;
            }
            continue;
        }
        PyObject *item = pair_of(matches[i].end, Py_NewRef(value));
        if (item == NULL || PyList_Append(result, item) < 0) {
            Py_XDECREF(item);
            Py_CLEAR(result);
            goto done;
        }
        Py_DECREF(item);
    }
done:
    PyMem_Free(matches);
    release(views, 1);
    return result;
}

/* ---- place_skills: skills.SkillMatcher._place ---------------------------------------------
 *
 * place_skills(matches, url_starts, url_ends, passes, text, low) -> {skill id: [(start, stop)]}
 * matches     the scan's skill matches, a list of (end, (id, length, lead, trail, rule))
 * url_starts, url_ends  lists of ints: skills._url_spans of `low`, sorted by start
 * passes      called as passes(rule, text, low, start, stop) for a match with a rule
 * Each match's span in the text (start = end - length + lead, stop = end - trail) is kept when
 * its rule passes and it starts in no link; the kept spans, by start and longest first, are
 * taken unless they overlap the last one taken, and grouped by skill in order of first span. */

typedef struct {
    Py_ssize_t start, stop, order;
    PyObject *id; /* borrowed from `matches` */
} Placed;

static int placed_order(const void *a, const void *b) {
    const Placed *x = a, *y = b;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    Py_ssize_t lx = x->stop - x->start, ly = y->stop - y->start;
    if (lx != ly) return lx > ly ? -1 : 1;
    return (x->order > y->order) - (x->order < y->order);
}

/* The ints of a list into a new C array (NULL with an error set on failure). */
static Py_ssize_t *int_array(PyObject *list, const char *name) {
    if (!PyList_Check(list)) {
        PyErr_Format(PyExc_TypeError, "place_skills: %s must be a list", name);
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(list);
    Py_ssize_t *out = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(Py_ssize_t));
    if (out == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        out[i] = PyLong_AsSsize_t(PyList_GET_ITEM(list, i));
        if (out[i] == -1 && PyErr_Occurred()) {
            PyMem_Free(out);
            return NULL;
        }
    }
    return out;
}

static PyObject *place_skills(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 6 || !PyList_Check(args[0]) || !PyCallable_Check(args[3])) {
        PyErr_SetString(PyExc_TypeError,
                        "place_skills takes matches, url starts and ends, passes, text, low");
        return NULL;
    }
    PyObject *matches = args[0], *passes = args[3], *result = NULL;
    Py_ssize_t n = PyList_GET_SIZE(matches), kept = 0;
    Py_ssize_t n_urls = PyList_Check(args[1]) ? PyList_GET_SIZE(args[1]) : -1;
    if (n_urls < 0 || !PyList_Check(args[2]) || PyList_GET_SIZE(args[2]) != n_urls) {
        PyErr_SetString(PyExc_TypeError, "place_skills: url starts and ends, lists of one size");
        return NULL;
    }
    Py_ssize_t *starts = int_array(args[1], "url_starts");
    Py_ssize_t *ends = starts == NULL ? NULL : int_array(args[2], "url_ends");
    Placed *placed = ends == NULL ? NULL : PyMem_Malloc((size_t)(n ? n : 1) * sizeof(Placed));
    if (ends != NULL && placed == NULL) PyErr_NoMemory();
    if (placed == NULL) goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PyList_GET_ITEM(matches, i), *value;
        if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 2 ||
            !PyTuple_Check(value = PyTuple_GET_ITEM(item, 1)) || PyTuple_GET_SIZE(value) != 5) {
            PyErr_SetString(PyExc_TypeError, "place_skills: a match is (end, (id, length, lead, "
                                             "trail, rule))");
            goto done;
        }
        Py_ssize_t end = PyLong_AsSsize_t(PyTuple_GET_ITEM(item, 0));
        Py_ssize_t length = PyLong_AsSsize_t(PyTuple_GET_ITEM(value, 1));
        Py_ssize_t lead = PyLong_AsSsize_t(PyTuple_GET_ITEM(value, 2));
        Py_ssize_t trail = PyLong_AsSsize_t(PyTuple_GET_ITEM(value, 3));
        if (PyErr_Occurred()) goto done;
        Py_ssize_t start = end - length + lead, stop = end - trail;
        PyObject *rule = PyTuple_GET_ITEM(value, 4);
        if (rule != Py_None) {
            PyObject *verdict = PyObject_CallFunction(passes, "OOOnn", rule, args[4], args[5],
                                                      start, stop);
            int ok = verdict == NULL ? -1 : PyObject_IsTrue(verdict);
            Py_XDECREF(verdict);
            if (ok < 0) goto done;
            if (!ok) continue;
        }
        if (n_urls) { /* the last link starting at or before `start`: does it reach past it? */
            Py_ssize_t lo = 0, hi = n_urls;
            while (lo < hi) {
                Py_ssize_t mid = (lo + hi) / 2;
                if (starts[mid] <= start) lo = mid + 1; else hi = mid;
            }
            if (lo > 0 && start < ends[lo - 1]) continue;
        }
        placed[kept++] = (Placed){start, stop, i, PyTuple_GET_ITEM(value, 0)};
    }
    qsort(placed, (size_t)kept, sizeof(Placed), placed_order);
    result = PyDict_New();
    Py_ssize_t last_stop = -1;
    for (Py_ssize_t i = 0; result != NULL && i < kept; i++) {
        if (placed[i].start < last_stop) continue;
        last_stop = placed[i].stop;
        PyObject *spans = PyDict_GetItemWithError(result, placed[i].id); /* borrowed */
        if (spans == NULL) {
            if (PyErr_Occurred() || (spans = PyList_New(0)) == NULL) {
                Py_CLEAR(result);
                break;
            }
            int failed = PyDict_SetItem(result, placed[i].id, spans);
            Py_DECREF(spans); /* the dict holds it */
            if (failed < 0) {
                Py_CLEAR(result);
                break;
            }
        }
        PyObject *span = span_of(placed[i].start, placed[i].stop);
        if (span == NULL || PyList_Append(spans, span) < 0) Py_CLEAR(result);
        Py_XDECREF(span);
    }
done:
    PyMem_Free(placed);
    PyMem_Free(starts);
    PyMem_Free(ends);
    return result;
}

static PyMethodDef methods[] = {
    {"count_terms", (PyCFunction)(void (*)(void))count_terms, METH_FASTCALL,
     "Positions of the index's terms found in a spaced text, and their counts."},
    {"score_terms", (PyCFunction)(void (*)(void))score_terms, METH_FASTCALL,
     "The classifier's tf-idf values of the terms found and their part of the logits."},
    {"add_features", (PyCFunction)(void (*)(void))add_features, METH_FASTCALL,
     "The classifier's logits: intercept, the terms' part and the extra features' part."},
    {"top_terms", (PyCFunction)(void (*)(void))top_terms, METH_FASTCALL,
     "The terms that pull hardest toward a label, strongest first."},
    {"key_table", (PyCFunction)(void (*)(void))key_table, METH_FASTCALL,
     "The tables scan_keys reads, built once from the scan automaton's keys."},
    {"place_skills", (PyCFunction)(void (*)(void))place_skills, METH_FASTCALL,
     "The skill matcher's kept spans, grouped by skill (skills.SkillMatcher._place)."},
    {"scan_keys", (PyCFunction)(void (*)(void))scan_keys, METH_FASTCALL,
     "The scan automaton's skill matches in a spaced text; its other places, by group."},
    {"prepare", (PyCFunction)(void (*)(void))prepare, METH_FASTCALL,
     "The lower-case text and its spaced codes, for text of the Basic Multilingual Plane."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "rolediff._speedups",
    "Optional compiled kernels (see rolediff.skills).", -1, methods,
};

PyMODINIT_FUNC PyInit__speedups(void) {
    POWERS[0] = 1;
    for (int k = 1; k < KNOWN_POWERS; k++) POWERS[k] = POWERS[k - 1] * BASE;
    PyObject *m = PyModule_Create(&module);
    if (m != NULL && PyModule_AddStringConstant(m, "SOURCE_DIGEST", SOURCE_DIGEST) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
