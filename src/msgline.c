#include "msgline.h"

void msgline_convert(char *dst, const char *src, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = src[i];
		dst[i] = (c == '\n' || c == '\r') ? ' ' : c;
	}
}

size_t msgline_from_message(char *dst, const char *src, size_t n)
{
	msgline_convert(dst, src, n);
	dst[n] = '\n';
	return n + 1;
}
