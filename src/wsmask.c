/* Frame headers of a client's WebSocket stream; see wsmask.h. */
#include "wsmask.h"

#include <string.h>

void wsmask_init(struct wsmask *m)
{
	memset(m, 0, sizeof(*m));
}

/* Bytes a header needs once its first two are known. */
static unsigned header_len(const unsigned char *h)
{
	unsigned len7 = h[1] & 0x7f;

	return 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + 4;
}

static uint64_t payload_len(const unsigned char *h)
{
	unsigned len7 = h[1] & 0x7f;
	uint64_t v = 0;

	if (len7 < 126)
		return len7;
	for (unsigned i = 0; i < (len7 == 126 ? 2u : 8u); i++)
		v = v << 8 | h[2 + i];
	return v;
}

long wsmask_feed(struct wsmask *m, const unsigned char *b, size_t n)
{
	size_t i = 0;

	if (m->bad)
		return 0;
	while (i < n) {
		if (m->left > 0) {
			size_t skip = n - i < m->left ? n - i : (size_t)m->left;
			m->left -= skip;
			i += skip;
			continue;
		}
		if (m->hlen == 0 && n - i >= 2) {
			/* a whole header in hand (the usual case): no byte-by-byte copy */
			const unsigned char *h = b + i;
			unsigned len = header_len(h);
			if (!(h[1] & 0x80)) {
				m->bad = 1;
				return (long)i;
			}
			if (n - i >= len) {
				m->left = payload_len(h);
				i += len;
				continue;
			}
		}
		m->hdr[m->hlen++] = b[i++];
		if (m->hlen == 2 && !(m->hdr[1] & 0x80)) {
			m->bad = 1;
			return i >= 2 ? (long)(i - 2) : 0;
		}
		if (m->hlen >= 2 && m->hlen == header_len(m->hdr)) {
			m->left = payload_len(m->hdr);
			m->hlen = 0;
		}
	}
	return -1;
}
