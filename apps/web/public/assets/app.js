// Marquee storefront: lists movies, places orders, follows each order to its final status.
// Plain ES module, no dependencies; all data goes through /api on the same origin.
// DOM text is only ever set with textContent (never innerHTML), so API data cannot inject markup.

const PAGE_SIZE = 20;
const POLL_FIRST_MS = 250;
const POLL_MAX_MS = 2000;
const POLL_GIVE_UP_MS = 120_000;
const REQUEST_TIMEOUT_MS = 10_000;
const FINAL = new Set(['completed', 'rejected']);

const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'text') node.textContent = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** An error from the API, carrying the HTTP status and the server's message. */
class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function api(path, init = {}) {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), REQUEST_TIMEOUT_MS);
  let res;
  try {
    res = await fetch(path, {
      ...init,
      signal: ctrl.signal,
      headers: { accept: 'application/json', ...(init.body ? { 'content-type': 'application/json' } : {}) },
    });
  } catch (err) {
    throw new ApiError(0, err.name === 'AbortError' ? 'the shop did not answer in time' : 'the shop is unreachable');
  } finally {
    clearTimeout(timer);
  }
  const body = await res.json().catch(() => undefined);
  if (!res.ok) throw new ApiError(res.status, body?.message ?? body?.error ?? `HTTP ${res.status}`);
  return body;
}

/** A stable anonymous shopper id (RFC 4122 v4). getRandomValues works without HTTPS, randomUUID does not. */
function shopperId() {
  const key = 'marquee.shopper';
  let id = null;
  try {
    id = localStorage.getItem(key);
  } catch {
    /* storage disabled: a fresh id per visit */
  }
  if (id) return id;
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  id = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  try {
    localStorage.setItem(key, id);
  } catch {
    /* ignore */
  }
  return id;
}

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

// ---- catalogue -------------------------------------------------------------------------

const catalogue = {
  /** Cursors of the pages visited so far: cursors[i] fetches page i (page 0 has none). */
  cursors: [undefined],
  page: 0,
  next: undefined,
  movies: new Map(),
  selected: undefined,
};

async function showPage(page) {
  const status = $('movies-status');
  const list = $('movies');
  status.textContent = 'Loading movies…';
  list.setAttribute('aria-busy', 'true');
  $('prev-page').disabled = true;
  $('next-page').disabled = true;
  const q = new URLSearchParams({ limit: String(PAGE_SIZE) });
  const cursor = catalogue.cursors[page];
  if (cursor !== undefined) q.set('cursor', cursor);
  try {
    const body = await api(`/api/movies?${q}`);
    catalogue.page = page;
    catalogue.next = body.nextCursor ?? undefined;
    if (catalogue.next !== undefined) catalogue.cursors[page + 1] = catalogue.next;
    renderMovies(body.items);
    status.textContent = body.items.length
      ? `Showing ${body.items.length} movie${body.items.length === 1 ? '' : 's'}.`
      : 'No movies in the catalogue yet.';
  } catch (err) {
    status.textContent = `Could not load movies: ${err.message}.`;
    list.replaceChildren(
      el('li', {}, el('button', { type: 'button', class: 'secondary', text: 'Try again', onclick: () => showPage(page) })),
    );
  } finally {
    list.removeAttribute('aria-busy');
    $('page-label').textContent = `Page ${catalogue.page + 1}`;
    $('prev-page').disabled = catalogue.page === 0;
    $('next-page').disabled = catalogue.next === undefined;
  }
}

function renderMovies(movies) {
  const items = movies.map((m) => {
    catalogue.movies.set(m.id, m);
    const title = el('h3', { text: m.title });
    const by = el('p', { text: m.director ? `Directed by ${m.director}` : 'Director unknown' });
    const pick = el('button', {
      type: 'button',
      text: 'Order',
      'aria-label': `Order ${m.title}`,
      onclick: () => selectMovie(m.id),
    });
    return el('li', { class: 'movie', dataset: { movieId: String(m.id) }, 'aria-current': String(catalogue.selected === m.id) }, title, by, pick);
  });
  $('movies').replaceChildren(...items);
}

function selectMovie(id) {
  catalogue.selected = id;
  const movie = catalogue.movies.get(id);
  for (const li of $('movies').children) li.setAttribute('aria-current', String(li.dataset.movieId === String(id)));
  $('selected-movie').textContent = `Selected: ${movie.title}`;
  $('place-order').disabled = false;
  $('price').focus();
}

// ---- orders ----------------------------------------------------------------------------

function priceError(raw) {
  if (!/^\d{1,5}(\.\d{1,2})?$/.test(raw.trim())) return 'Enter an amount like 4.99 (at most two decimals).';
  const n = Number(raw);
  if (n < 0.01 || n > 10000) return 'The price must be between 0.01 and 10,000.';
  return undefined;
}

function orderCard(title) {
  const badge = el('span', { class: 'badge', dataset: { status: 'sending' }, text: 'sending' });
  const meta = el('p', { class: 'meta', text: 'Sending…' });
  const li = el('li', { class: 'order' }, el('p', { class: 'title', text: `${title} ` }, badge), meta);
  $('orders').prepend(li);
  $('orders-empty').hidden = true;
  return {
    li,
    set(status, text) {
      badge.dataset.status = status;
      badge.textContent = status;
      li.dataset.status = status;
      if (text !== undefined) meta.textContent = text;
    },
  };
}

/** Poll GET /api/orders/:id with backoff until the order is completed or rejected. */
async function follow(id, card, price) {
  const describe = (o) => `Order ${o.id} · ${money.format(Number(o.price ?? price))}`;
  card.li.dataset.orderId = id;
  const started = Date.now();
  let wait = POLL_FIRST_MS;
  for (;;) {
    try {
      const order = await api(`/api/orders/${encodeURIComponent(id)}`);
      card.set(order.status, describe(order));
      if (FINAL.has(order.status)) return;
    } catch (err) {
      if (err.status === 404 || err.status === 400) {
        card.set('failed', `Order ${id} was not found.`);
        return;
      }
      // Transient (network, 5xx): keep the last known status and try again.
    }
    if (Date.now() - started > POLL_GIVE_UP_MS) {
      card.set('pending', `Order ${id} is still being processed; reload the page later to check it.`);
      return;
    }
    await sleep(wait);
    wait = Math.min(POLL_MAX_MS, Math.round(wait * 1.5));
  }
}

async function placeOrder(event) {
  event.preventDefault();
  const input = $('price');
  const error = $('price-error');
  const problem = priceError(input.value);
  input.setAttribute('aria-invalid', String(Boolean(problem)));
  error.hidden = !problem;
  error.textContent = problem ?? '';
  if (problem) {
    input.focus();
    return;
  }
  const movie = catalogue.movies.get(catalogue.selected);
  if (!movie) return;
  const price = Number(input.value);
  const button = $('place-order');
  button.disabled = true;
  const card = orderCard(movie.title);
  try {
    const order = await api('/api/orders', {
      method: 'POST',
      body: JSON.stringify({ user_id: shopperId(), movie_id: movie.id, price }),
    });
    card.set(order.status ?? 'pending', `Order ${order.id} · ${money.format(price)}`);
    button.disabled = false;
    await follow(order.id, card, price);
  } catch (err) {
    card.set('failed', `The order was not placed: ${err.message}.`);
    button.disabled = false;
  }
}

/** /orders/<id> deep links (served index.html by the fallback) show that order's status. */
function followDeepLink() {
  const m = /^\/orders\/([A-Za-z0-9-]{1,64})$/.exec(location.pathname);
  if (m) follow(m[1], orderCard(`Order ${m[1]}`));
}

function main() {
  $('order-form').addEventListener('submit', placeOrder);
  $('prev-page').addEventListener('click', () => showPage(catalogue.page - 1));
  $('next-page').addEventListener('click', () => showPage(catalogue.page + 1));
  followDeepLink();
  showPage(0);
}

main();
