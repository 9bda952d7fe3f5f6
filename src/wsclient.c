/* ws-bridge's list of clients; see wsclient.h. */
#include "wsclient.h"

void clients_append(struct clients *l, struct client *c)
{
	c->prev = l->last;
	c->next = NULL;
	if (l->last)
		l->last->next = c;
	else
		l->first = c;
	l->last = c;
	l->n++;
}

void clients_unlink(struct clients *l, struct client *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		l->first = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		l->last = c->prev;
	l->n--;
}
