/* Side-by-side peer for `vlaterm bench blit`: draws the same RGB frame into the same cell grid with libchafa,
 * restricted to half-block symbols, and reports the time per frame measured inside the process (start-up,
 * file loading and canvas creation are not counted). Writes the resulting cells so the caller can rasterise
 * them back to pixels and compute PSNR against the same reference.
 *
 * usage: chafa_bench IN.ppm COLS ROWS truecolor|240 ITERATIONS OUT.cells
 * OUT.cells: one line per cell, row-major: "<codepoint> <fg 0xRRGGBB> <bg 0xRRGGBB>" (decimal numbers).
 * stdout: one JSON object {"seconds_per_frame": ..., "iterations": ...}.
 * Build: gcc -O2 chafa_bench.c $(pkg-config --cflags --libs chafa) -o chafa_bench
 */
#include <chafa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static unsigned char *read_ppm(const char *path, int *w, int *h) {
    FILE *f = fopen(path, "rb");
    if (!f) { fprintf(stderr, "chafa_bench: cannot open %s\n", path); return NULL; }
    int maxv = 0;
    if (fscanf(f, "P6 %d %d %d", w, h, &maxv) != 3 || maxv != 255 || *w <= 0 || *h <= 0 || *w > 8192 || *h > 8192) {
        fprintf(stderr, "chafa_bench: %s: expected a binary PPM (P6, maxval 255, at most 8192x8192)\n", path);
        fclose(f); return NULL;
    }
    fgetc(f);
    size_t n = (size_t)*w * (size_t)*h * 3;
    unsigned char *px = malloc(n);
    if (!px || fread(px, 1, n, f) != n) { fprintf(stderr, "chafa_bench: %s: short pixel data\n", path); free(px); fclose(f); return NULL; }
    fclose(f);
    return px;
}

static double now(void) {
    struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    if (argc != 7) { fprintf(stderr, "usage: chafa_bench IN.ppm COLS ROWS truecolor|240 ITERATIONS OUT.cells\n"); return 2; }
    int w, h;
    unsigned char *px = read_ppm(argv[1], &w, &h);
    if (!px) return 2;
    int cols = atoi(argv[2]), rows = atoi(argv[3]), iters = atoi(argv[5]);
    if (cols <= 0 || rows <= 0 || iters <= 0) { fprintf(stderr, "chafa_bench: COLS, ROWS, ITERATIONS must be positive\n"); return 2; }
    int truecolor = strcmp(argv[4], "truecolor") == 0;

    chafa_set_n_threads(1);   /* our blitter is single-threaded: compare one core with one core */
    ChafaSymbolMap *map = chafa_symbol_map_new();
    chafa_symbol_map_add_by_tags(map, CHAFA_SYMBOL_TAG_VHALF);
    ChafaCanvasConfig *cfg = chafa_canvas_config_new();
    chafa_canvas_config_set_geometry(cfg, cols, rows);
    chafa_canvas_config_set_canvas_mode(cfg, truecolor ? CHAFA_CANVAS_MODE_TRUECOLOR : CHAFA_CANVAS_MODE_INDEXED_240);
    chafa_canvas_config_set_symbol_map(cfg, map);
    chafa_canvas_config_set_pixel_mode(cfg, CHAFA_PIXEL_MODE_SYMBOLS);
    ChafaCanvas *canvas = chafa_canvas_new(cfg);

    chafa_canvas_draw_all_pixels(canvas, CHAFA_PIXEL_RGB8, px, w, h, w * 3);   /* warm-up */
    double t0 = now();
    for (int i = 0; i < iters; i++) chafa_canvas_draw_all_pixels(canvas, CHAFA_PIXEL_RGB8, px, w, h, w * 3);
    double per = (now() - t0) / iters;

    FILE *out = fopen(argv[6], "w");
    if (!out) { fprintf(stderr, "chafa_bench: cannot write %s\n", argv[6]); return 1; }
    for (int y = 0; y < rows; y++)
        for (int x = 0; x < cols; x++) {
            gint fg = 0, bg = 0;
            gunichar c = chafa_canvas_get_char_at(canvas, x, y);
            chafa_canvas_get_colors_at(canvas, x, y, &fg, &bg);
            fprintf(out, "%u %d %d\n", (unsigned)c, fg, bg);
        }
    fclose(out);
    printf("{\"seconds_per_frame\": %.9f, \"iterations\": %d}\n", per, iters);
    chafa_canvas_unref(canvas); chafa_canvas_config_unref(cfg); chafa_symbol_map_unref(map); free(px);
    return 0;
}
