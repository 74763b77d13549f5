#ifndef RELAYGATE_CFFMPEG_SHIM_H
#define RELAYGATE_CFFMPEG_SHIM_H

#include <libavformat/avformat.h>
#include <libavformat/avio.h>
#include <libavcodec/avcodec.h>
#include <libavcodec/bsf.h>
#include <libavutil/audio_fifo.h>
#include <libavutil/avutil.h>
#include <libavutil/imgutils.h>
#include <libavutil/channel_layout.h>
#include <libavutil/dict.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
#include <libavutil/mathematics.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libavutil/samplefmt.h>
#include <libavutil/time.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
#include <stdio.h>
#include <string.h>

// Function-like macros are not imported into Swift; these re-expose the ones we use.
static inline int relaygate_averror(int errnum) { return AVERROR(errnum); }
static inline int relaygate_averror_eof(void) { return AVERROR_EOF; }
static inline int relaygate_averror_exit(void) { return AVERROR_EXIT; }
static inline int relaygate_averror_eagain(void) { return AVERROR(EAGAIN); }
static inline int relaygate_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }
static inline int64_t relaygate_nopts_value(void) { return AV_NOPTS_VALUE; }
static inline int relaygate_time_base(void) { return AV_TIME_BASE; }

static inline void relaygate_error_string(int errnum, char *buf, size_t size) {
    av_strerror(errnum, buf, size);
}

// av_log hands its callback a va_list, which Swift cannot take. This bridge formats the
// line in C and gives Swift a finished string: the whole line (with libav's "[tls @ 0x…]"
// prefix) for the log, and for errors also the component ("tls") and the bare message.
typedef void (*relaygate_av_log_sink)(int level, const char *line, const char *component, const char *message);
static relaygate_av_log_sink relaygate_log_sink_fn = 0;

static inline void relaygate_av_log_callback(void *avcl, int level, const char *fmt, va_list vl) {
    // Errors always reach Swift, whatever the log level: a failed call reads them to say why.
    if (relaygate_log_sink_fn == 0 || (level > av_log_get_level() && level > AV_LOG_ERROR)) return;
    char line[1024];
    char message[1024] = "";
    const AVClass *cls = avcl ? *(const AVClass **)avcl : 0;
    if (level <= AV_LOG_ERROR) {
        va_list copy;
        va_copy(copy, vl);
        int no_prefix = 0;
        av_log_format_line2(avcl, level, fmt, copy, message, sizeof message, &no_prefix);
        va_end(copy);
    }
    int print_prefix = 1;
    av_log_format_line2(avcl, level, fmt, vl, line, sizeof line, &print_prefix);
    relaygate_log_sink_fn(level, line, cls ? cls->item_name(avcl) : "", message);
}

static inline void relaygate_install_av_log(relaygate_av_log_sink sink, int level) {
    relaygate_log_sink_fn = sink;
    av_log_set_level(level);
    av_log_set_callback(relaygate_av_log_callback);
}

// AVFrame's data[] and linesize[] arrays import as tuples, awkward to index from Swift.
// These do the pointer arithmetic of drawing a yuv420p picture at (x, y) on a canvas.
static inline int relaygate_sws_scale_placed(struct SwsContext *c, const AVFrame *src, AVFrame *dst, int x, int y) {
    uint8_t *planes[4] = {0};
    int strides[4] = {0};
    for (int i = 0; i < 3; i++) {
        int shift = i ? 1 : 0;
        planes[i] = dst->data[i] + (y >> shift) * dst->linesize[i] + (x >> shift);
        strides[i] = dst->linesize[i];
    }
    return sws_scale(c, (const uint8_t *const *)src->data, src->linesize, 0, src->height, planes, strides);
}

static inline void relaygate_fill_black_yuv420p(AVFrame *f) {
    for (int i = 0; i < 3; i++) {
        int rows = i ? (f->height + 1) / 2 : f->height;
        memset(f->data[i], i ? 128 : 16, (size_t)rows * (size_t)f->linesize[i]);
    }
}

static inline int relaygate_audio_fifo_write(AVAudioFifo *fifo, const AVFrame *f) {
    return av_audio_fifo_write(fifo, (void **)f->extended_data, f->nb_samples);
}

static inline void **relaygate_frame_data(const AVFrame *f) { return (void **)f->extended_data; }

/// Writes a frame's samples from `offset` on (dropping the first `offset` samples).
static inline int relaygate_audio_fifo_write_from(AVAudioFifo *fifo, const AVFrame *f, int offset) {
    if (offset <= 0) return relaygate_audio_fifo_write(fifo, f);
    if (offset >= f->nb_samples) return 0;
    int channels = f->ch_layout.nb_channels;
    int planar = av_sample_fmt_is_planar((enum AVSampleFormat)f->format);
    int planes = planar ? channels : 1;
    int step = av_get_bytes_per_sample((enum AVSampleFormat)f->format) * (planar ? 1 : channels);
    if (planes > AV_NUM_DATA_POINTERS) return AVERROR(EINVAL);
    void *data[AV_NUM_DATA_POINTERS];
    for (int i = 0; i < planes; i++) data[i] = f->extended_data[i] + (size_t)offset * step;
    return av_audio_fifo_write(fifo, data, f->nb_samples - offset);
}

static inline int relaygate_audio_fifo_read(AVAudioFifo *fifo, AVFrame *f, int samples) {
    return av_audio_fifo_read(fifo, (void **)f->extended_data, samples);
}

#endif
