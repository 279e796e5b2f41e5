#!/usr/bin/env node
/*
 * Parley <-> channelize-chat@4.9.1 (server mode) compatibility script.
 *
 *   PARLEY_URL=http://127.0.0.1:41234 node sdk_test.js
 *
 * Plain Node 20, no test framework. Prints "N passed, N failed" and exits non-zero on failure.
 *
 * Expected fixtures on the Parley side:
 *   app "demo" with publicKey "demo-public", privateKey "demo-secret"
 *   users alice, bob, carol
 *   conversation "general" (group) members alice (admin), bob, carol
 *   message "m1" from alice in general, body "hello"
 *
 * Safety: every request must go to 127.0.0.1. Three layers:
 *   1. PARLEY_URL itself must be http://127.0.0.1:<port>.
 *   2. axios request interceptor (the SDK calls the *global* axios module, dist/index.js
 *      Server.request -> `o()(n, t)`): rewrites https://api.channelize.io/... to PARLEY_URL,
 *      throws for anything that is not http://127.0.0.1, disables env proxies and redirects.
 *   3. net/tls/dns guard: any socket to a host other than 127.0.0.1 throws (covers the SDK's
 *      MQTT / AWS Cognito code paths, which are never called here anyway).
 */
'use strict';

process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1'; // aws-sdk v2 prints a banner at require time

const assert = require('node:assert/strict');
const net = require('node:net');
const tls = require('node:tls');
const dns = require('node:dns');
const path = require('node:path');
const nodeUrl = require('node:url');

// ---------------------------------------------------------------- config / guard 1
const PARLEY_URL = (process.env.PARLEY_URL || '').replace(/\/+$/, '');
if (!PARLEY_URL) {
  console.error('PARLEY_URL is required, e.g. PARLEY_URL=http://127.0.0.1:41234');
  process.exit(2);
}
{
  const p = nodeUrl.parse(PARLEY_URL);
  if (p.protocol !== 'http:' || p.hostname !== '127.0.0.1' || !p.port || (p.pathname && p.pathname !== '/')) {
    console.error('PARLEY_URL must look like http://127.0.0.1:<port> (no path); got ' + PARLEY_URL);
    process.exit(2);
  }
}
const PROD_ORIGIN = 'https://api.channelize.io'; // SDK config BASE_URL = "https://api.channelize.io/v2"
const STEP_TIMEOUT_MS = Number(process.env.STEP_TIMEOUT_MS || 15000);
const VERBOSE = !!process.env.VERBOSE;

// ---------------------------------------------------------------- guard 3 (installed before the SDK is required)
const ALLOWED_HOSTS = new Set(['127.0.0.1']);
function hostOfConnectArgs(args) {
  let a = args;
  if (Array.isArray(a[0])) a = a[0]; // node internal normalized args
  const first = a[0];
  if (first && typeof first === 'object') {
    if (first.path) return null; // unix socket, not network
    return first.host || first.hostname || 'localhost';
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    return typeof a[1] === 'string' ? a[1] : 'localhost';
  }
  if (typeof first === 'string') return null; // unix socket path
  return 'unknown';
}
const origSocketConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  const host = hostOfConnectArgs(args);
  if (host !== null && !ALLOWED_HOSTS.has(host)) {
    throw new Error('[guard] blocked socket connection to non-local host ' + host);
  }
  return origSocketConnect.apply(this, args);
};
const origTlsConnect = tls.connect;
tls.connect = function guardedTls(...args) {
  const o = args.find(x => x && typeof x === 'object') || {};
  const host = o.host || o.servername || (typeof args[1] === 'string' ? args[1] : 'unknown');
  if (!ALLOWED_HOSTS.has(host)) throw new Error('[guard] blocked TLS connection to ' + host);
  return origTlsConnect.apply(this, args);
};
for (const fn of ['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveAny']) {
  const orig = dns[fn];
  if (typeof orig !== 'function') continue;
  dns[fn] = function guardedDns(hostname, ...rest) {
    if (!ALLOWED_HOSTS.has(hostname)) throw new Error('[guard] blocked DNS ' + fn + '(' + hostname + ')');
    return orig.call(this, hostname, ...rest);
  };
}

// ---------------------------------------------------------------- guard 2: the SDK's axios
const sdkMain = require.resolve('channelize-chat');
// Resolve axios exactly as dist/index.js does (`require("axios")` from node_modules/channelize-chat/dist).
const axios = require(require.resolve('axios', { paths: [path.dirname(sdkMain)] }));
const httpLog = []; // {method, url, status}
axios.interceptors.request.use(function redirectToParley(cfg) {
  if (typeof cfg.url === 'string' && cfg.url.startsWith(PROD_ORIGIN + '/')) {
    cfg.url = PARLEY_URL + cfg.url.slice(PROD_ORIGIN.length); // keep path+query byte-for-byte
  }
  const u = nodeUrl.parse(String(cfg.url));
  if (u.protocol !== 'http:' || u.hostname !== '127.0.0.1') {
    throw new Error('[guard] refused non-local request: ' + (cfg.method || 'get').toUpperCase() + ' ' + cfg.url);
  }
  cfg.proxy = false;        // axios 0.18 would otherwise honour http_proxy/HTTP_PROXY env vars
  cfg.maxRedirects = 0;     // never follow a redirect to another host (follow-redirects bypasses interceptors)
  if (!cfg.timeout) cfg.timeout = 10000;
  return cfg;
});
axios.interceptors.response.use(
  r => { httpLog.push({ method: r.config.method.toUpperCase(), url: r.config.url, status: r.status }); if (VERBOSE) console.log('   ', r.status, r.config.method.toUpperCase(), r.config.url); return r; },
  e => {
    const c = e && e.config ? e.config : {};
    httpLog.push({ method: String(c.method || '').toUpperCase(), url: c.url, status: e && e.response ? e.response.status : (e && e.code) || 'ERR' });
    if (VERBOSE) console.log('   ', e && e.response ? e.response.status : e && e.code, String(c.method || '').toUpperCase(), c.url);
    return Promise.reject(e);
  }
);

// ---------------------------------------------------------------- SDK
const Channelize = require('channelize-chat'); // exports { Channelize, core, client, server }
// Server is an ES5-compiled class: must be called with `new` (calling it plainly throws
// "Cannot call a class as a function"). It is also a process-wide singleton.
const server = new Channelize.server({ publicKey: 'demo-public', privateKey: 'demo-secret' });
// The SDK logs every API error (with the whole axios config) at level "error"; keep output readable.
server.setLogLevel(VERBOSE ? 'error' : 'none');

// ---------------------------------------------------------------- tiny harness
let passed = 0, failed = 0;
const failures = [];
const unhandled = [];
process.on('unhandledRejection', (e) => {
  // channelize-chat crashes inside its own .catch() when an error response body is JSON `null`
  // (it reads e.response.data.error). The caller's promise then never settles.
  unhandled.push(e);
  console.log('  !! unhandled rejection inside SDK: ' + (e && e.message ? e.message : String(e)));
});

function describeErr(e) {
  if (e instanceof Error) return (e.code ? e.code + ': ' : '') + e.message;
  try { return 'rejected with ' + JSON.stringify(e); } catch (_) { return String(e); }
}
function withTimeout(p, ms, name) {
  let t;
  return Promise.race([
    Promise.resolve(p).finally(() => clearTimeout(t)),
    new Promise((_, rej) => { t = setTimeout(() => rej(new Error('timed out after ' + ms + 'ms (SDK promise never settled) in ' + name)), ms); }),
  ]);
}
async function test(name, fn) {
  try {
    await withTimeout(fn(), STEP_TIMEOUT_MS, name);
    passed++;
    console.log('ok   - ' + name);
    return true;
  } catch (e) {
    failed++;
    failures.push({ name, e });
    console.log('FAIL - ' + name + '\n       ' + describeErr(e).split('\n').join('\n       '));
    return false;
  }
}
function lastStatus(method, re) {
  for (let i = httpLog.length - 1; i >= 0; i--) {
    const h = httpLog[i];
    if (h.method === method && re.test(h.url)) return h.status;
  }
  return undefined;
}
function finish(code) {
  console.log('\n' + passed + ' passed, ' + failed + ' failed');
  process.exit(code !== undefined ? code : (failed > 0 ? 1 : 0));
}
// Promisify a callback-only API (Conversation#getMembers has no promise mode).
const cbToPromise = fn => new Promise((res, rej) => fn((err, data) => (err != null ? rej(err) : res(data))));
const rand = Math.random().toString(36).slice(2, 8);
const uid = (p) => p + '-' + Date.now().toString(36) + '-' + rand;
const memberIdOf = m => (m && (m.userId || (m.user && m.user.id) || m.id));

async function as(userId) {
  // Server#setCurrentUser(userId) does GET /v2/users/{userId}, then every later request carries
  // header "User-Id: <userId>". Passing null clears it (no User-Id header).
  const u = await server.setCurrentUser(userId);
  if (userId) assert.equal(u && u.id, userId, 'setCurrentUser(' + userId + ') should resolve to that user');
  return u;
}
async function listMessages(conv, filters) {
  const q = conv.createMessageListQuery();
  q.limit = 100;
  Object.assign(q, filters || {}); // setters: ids, types, customTypes, attachmentTypes, ownerIds, parentId, showInConversation, pinned, sort, limit, skip
  const list = await q.list();
  assert.ok(Array.isArray(list), 'message list must resolve to an array (server must return a JSON array)');
  return list;
}
async function getConv(id, include) {
  const c = await server.Conversation.getConversation(id, include);
  assert.ok(c, 'getConversation(' + id + ') resolved to null (empty/falsy body)');
  return c;
}
async function unreadCount() {
  const data = await server.Message.getTotalUnreadMessageCount();
  assert.ok(data && typeof data === 'object', 'GET /messages/unread/count should return a JSON object, got ' + JSON.stringify(data));
  assert.equal(typeof data.count, 'number', 'unread count body should be {"count": <number>}, got ' + JSON.stringify(data));
  return data.count;
}

// ---------------------------------------------------------------- the run
(async function main() {
  console.log('channelize-chat ' + require(path.join(path.dirname(sdkMain), '..', 'package.json')).version +
    ' (axios ' + require(require.resolve('axios/package.json', { paths: [path.dirname(sdkMain)] })).version + ') -> ' + PARLEY_URL);

  await test('guard: axios request to a non-local URL is refused before any I/O', async () => {
    await assert.rejects(axios.get('http://example.com/'), /refused non-local request/);
    await assert.rejects(axios.get('https://api.channelize.io.evil.test/v2/x'), /refused non-local request/);
  });

  // Preflight: if nothing listens, stop with a clean failure instead of 40 identical errors.
  let reachable = true;
  await test('preflight: User.get("alice") reaches Parley (GET /v2/users/alice)', async () => {
    try {
      const u = await server.User.get('alice');
      assert.equal(u.id, 'alice');
    } catch (e) {
      if (e && (e.code === 'ECONNREFUSED' || e.code === 'ECONNRESET' || e.code === 'ETIMEDOUT' || e.code === 'ECONNABORTED')) reachable = false;
      throw e;
    }
  });
  if (!reachable) {
    console.log('\nParley is not reachable at ' + PARLEY_URL + ' - aborting remaining checks.');
    return finish(1);
  }

  // ------------------------------------------------------------ users
  await test('User.get("alice") -> UserModel with id/displayName (Public-Key + Basic auth accepted)', async () => {
    const u = await server.User.get('alice');
    assert.equal(u.id, 'alice');
    assert.equal(typeof u.displayName, 'string');
    assert.equal(lastStatus('GET', /\/v2\/users\/alice$/), 200);
  });

  await test('User.createUserListQuery().usersList() -> GET /v2/users/ (trailing slash) returns alice,bob,carol', async () => {
    const q = server.User.createUserListQuery();
    q.limit = 100;
    const users = await q.usersList();
    assert.ok(Array.isArray(users));
    const ids = users.map(u => u.id);
    for (const id of ['alice', 'bob', 'carol']) assert.ok(ids.includes(id), 'users list missing ' + id + ': ' + JSON.stringify(ids));
  });

  const newUserId = uid('sdkuser');
  await test('User.createUser({id, displayName}) -> POST /v2/users returns the user', async () => {
    const u = await server.User.createUser({ id: newUserId, displayName: 'SDK Test User' });
    assert.equal(u.id, newUserId);
    assert.equal(u.displayName, 'SDK Test User');
    const again = await server.User.get(newUserId);
    assert.equal(again.id, newUserId);
  });

  await test('server.createAccessToken("alice") -> POST /v2/users/create_access_token {userId}; body has user + token', async () => {
    const data = await server.createAccessToken('alice');
    assert.ok(data && data.user, 'response must include a "user" object (SDK wraps data.user in UserModel)');
    assert.equal(data.user.id, 'alice');
    const token = data.id || data.accessToken || data.token;
    assert.equal(typeof token, 'string', 'expected a token string in id/accessToken/token, got ' + JSON.stringify(Object.keys(data)));
    assert.ok(token.length > 0);
  });

  await test('errors: unknown user rejects with response.data.error (an object with message), HTTP 404', async () => {
    let err;
    try { await server.User.get(uid('no-such-user')); } catch (e) { err = e; }
    assert.ok(err !== undefined, 'expected rejection for unknown user');
    assert.ok(!(err instanceof Error), 'expected the server error body, got a transport error: ' + describeErr(err));
    assert.equal(typeof err, 'object', 'SDK surfaces body.error || body; expected an object, got ' + JSON.stringify(err));
    assert.equal(typeof err.message, 'string', 'error object should carry a message: ' + JSON.stringify(err));
    assert.equal(lastStatus('GET', /\/v2\/users\/no-such-user/), 404);
  });

  // ------------------------------------------------------------ conversations
  await as('alice');
  let general;
  await test('Conversation.getConversation("general") -> ConversationModel (group, 3 members, lastReadAt object)', async () => {
    general = await getConv('general');
    assert.equal(general.id, 'general');
    assert.equal(general.isGroup, true);
    assert.equal(general.memberCount, 3);
    assert.ok(general.lastReadAt !== null && typeof general.lastReadAt === 'object', 'lastReadAt must be an object (null crashes SDK markAsRead)');
    assert.notEqual(general.getConfig('read_events'), false, 'read_events must not be disabled (markAsRead refuses locally)');
  });

  await test('Conversation.getConversation("general", "members") -> members incl. alice as admin', async () => {
    const c = await getConv('general', 'members');
    assert.ok(Array.isArray(c.members) && c.members.length === 3, 'expected 3 members, got ' + JSON.stringify(c.members));
    const ids = c.members.map(memberIdOf).sort();
    assert.deepEqual(ids, ['alice', 'bob', 'carol']);
    const a = c.members.find(m => memberIdOf(m) === 'alice');
    assert.equal(a.isAdmin, true, 'alice should be admin: ' + JSON.stringify(a));
  });

  await test('conversation.getMembers(cb) -> GET /v2/conversations/general/members', async () => {
    const c = await getConv('general'); // fresh model; getMembers only hits the API if model.members is empty
    const members = await cbToPromise(cb => c.getMembers(cb));
    assert.ok(Array.isArray(members));
    assert.deepEqual(members.map(memberIdOf).sort(), ['alice', 'bob', 'carol']);
  });

  await test('Conversation.createConversationListQuery().list() as alice includes general; count() >= 1', async () => {
    const q = server.Conversation.createConversationListQuery();
    q.limit = 100;
    q.sort = 'updatedAt DESC'; // wire: sort=updatedAt+DESC
    const list = await q.list();
    assert.ok(Array.isArray(list), 'conversation list must be a JSON array');
    assert.ok(list.some(c => c.id === 'general'), 'general not in alice\'s conversation list');
    const cnt = await server.Conversation.createConversationListQuery().count();
    assert.equal(typeof cnt.count, 'number', 'GET /v2/conversations/count should be {"count":n}, got ' + JSON.stringify(cnt));
    assert.ok(cnt.count >= 1);
  });

  let created;
  await test('Conversation.createConversation({title, members:[bob], isGroup}) -> POST /v2/conversations', async () => {
    created = await server.Conversation.createConversation({ title: 'sdk-test-' + rand, members: ['bob'], isGroup: true });
    assert.equal(typeof created.id, 'string');
    assert.equal(created.title, 'sdk-test-' + rand);
    assert.equal(created.isGroup, true);
  });

  await test('conversation.addMembers(["carol"]) / removeMembers(["carol"]) -> POST add_members/remove_members {members}', async () => {
    assert.ok(created, 'needs created conversation');
    await created.addMembers(['carol']);
    let c = await getConv(created.id, 'members');
    let ids = c.members.map(memberIdOf);
    assert.ok(ids.includes('carol'), 'carol not added: ' + JSON.stringify(ids));
    assert.ok(ids.includes('alice') && ids.includes('bob'), 'creator/initial member missing: ' + JSON.stringify(ids));
    await created.removeMembers(['carol']);
    c = await getConv(created.id, 'members');
    ids = c.members.map(memberIdOf);
    assert.ok(!ids.includes('carol'), 'carol not removed: ' + JSON.stringify(ids));
  });

  // ------------------------------------------------------------ messages: list / count
  let m1;
  let countBefore;
  await test('createMessageListQuery().list() on general -> MessageModel[] containing m1 "hello" from alice', async () => {
    const list = await listMessages(general);
    m1 = list.find(m => m.id === 'm1');
    assert.ok(m1, 'm1 missing from general messages: ' + JSON.stringify(list.map(m => m.id)));
    assert.equal(m1.body, 'hello');
    assert.equal(m1.ownerId, 'alice');
    assert.equal(m1.conversationId, 'general');
  });

  await test('message list filters: ids[]=m1, ownerIds[]=alice, sort=createdAt DESC, limit/skip', async () => {
    const byId = await listMessages(general, { ids: ['m1'] });
    assert.deepEqual(byId.map(m => m.id), ['m1']);
    const byOwner = await listMessages(general, { ownerIds: ['alice'], sort: 'createdAt DESC' });
    assert.ok(byOwner.length >= 1 && byOwner.every(m => m.ownerId === 'alice'), 'ownerIds filter not applied');
    for (let i = 1; i < byOwner.length; i++) {
      assert.ok(String(byOwner[i - 1].createdAt) >= String(byOwner[i].createdAt), 'sort=createdAt DESC not honoured');
    }
    const one = await listMessages(general, { limit: 1 });
    assert.equal(one.length, 1, 'limit=1 not honoured');
  });

  await test('createMessageListQuery().count() -> {"count": n} equal to unfiltered list length', async () => {
    const cnt = await general.createMessageListQuery().count();
    assert.equal(typeof cnt.count, 'number', 'count body should be {"count":n}, got ' + JSON.stringify(cnt));
    const list = await listMessages(general); // limit=100
    if (list.length < 100) assert.equal(cnt.count, list.length);
    else assert.ok(cnt.count >= list.length);
    countBefore = cnt.count;
    const own = await (() => { const q = general.createMessageListQuery(); q.ownerIds = ['alice']; return q.count(); })();
    assert.ok(own.count >= 1 && own.count <= cnt.count, 'ownerIds filter on count not applied: ' + JSON.stringify(own));
  });

  // ------------------------------------------------------------ send (alice -> general) with a client id
  const clientId = uid('sdk-msg');
  let sent;
  await test('conversation.sendMessage({id: clientId, body}) as alice -> POST /v2/messages/send; MessageModel echoes id', async () => {
    await as('alice');
    sent = await general.sendMessage({ id: clientId, body: 'hi from sdk ' + rand });
    assert.equal(sent.id, clientId, 'server must honour the client-supplied id');
    assert.equal(sent.body, 'hi from sdk ' + rand);
    assert.equal(sent.conversationId, 'general');
    assert.equal(sent.ownerId, 'alice');
    const found = await listMessages(general, { ids: [clientId] });
    assert.equal(found.length, 1);
    if (countBefore !== undefined) {
      const cnt = await general.createMessageListQuery().count();
      assert.equal(cnt.count, countBefore + 1);
    }
  });

  // ------------------------------------------------------------ unread + mark as read (bob)
  let bobUnreadBefore;
  await test('Message.getTotalUnreadMessageCount() as bob >= 1 before mark-as-read (User-Id: bob)', async () => {
    await as('bob');
    bobUnreadBefore = await unreadCount();
    assert.ok(bobUnreadBefore >= 1, 'bob should have unread messages (alice just posted in general), got ' + bobUnreadBefore);
  });

  await test('conversation.markAsRead() as bob -> PUT mark_as_read {timestamp: ISO}; lastReadAt.bob set; unread drops', async () => {
    await as('bob');
    const c = await getConv('general');
    const before = new Date().toISOString();
    await c.markAsRead(); // SDK sends {timestamp: new Date().toISOString()}
    const st = lastStatus('PUT', /\/v2\/conversations\/general\/mark_as_read$/);
    assert.ok(st === 200 || st === 204, 'unexpected status ' + st);
    const after = await getConv('general');
    assert.ok(after.lastReadAt && after.lastReadAt.bob, 'lastReadAt.bob not set: ' + JSON.stringify(after.lastReadAt));
    assert.ok(new Date(after.lastReadAt.bob).getTime() >= new Date(before).getTime() - 5000, 'lastReadAt.bob too old: ' + after.lastReadAt.bob);
    const now = await unreadCount();
    assert.ok(bobUnreadBefore === undefined || now < bobUnreadBefore, 'unread did not drop: ' + bobUnreadBefore + ' -> ' + now);
  });

  await test('markAsRead(explicit ISO timestamp) on every conversation of bob -> total unread 0', async () => {
    await as('bob');
    const q = server.Conversation.createConversationListQuery();
    q.limit = 100;
    const convs = await q.list();
    assert.ok(Array.isArray(convs));
    await new Promise(r => setTimeout(r, 20)); // strictly after every message created so far (same host clock)
    const ts = new Date().toISOString();        // explicit form: PUT body {"timestamp": ts}
    for (const c of convs) await c.markAsRead(ts);
    assert.equal(await unreadCount(), 0);
  });

  // ------------------------------------------------------------ reactions (bob on m1)
  await test('message.addReaction({type:"like"}) as bob -> POST /v2/messages/m1/add_reaction; visible in list + counts', async () => {
    assert.ok(m1, 'needs m1');
    await as('bob');
    await m1.addReaction({ type: 'like' });
    const q = m1.createReactionUserListQuery();
    q.type = 'like';
    const users = await q.list(); // GET /v2/messages/m1/reactions?type=like ; items wrapped as UserModel (need "id")
    assert.ok(Array.isArray(users));
    assert.ok(users.some(u => u.id === 'bob'), 'reaction list should contain bob (items need an "id" = user id): ' + JSON.stringify(users.map(u => u.id)));
    const [fresh] = await listMessages(general, { ids: ['m1'] });
    assert.ok(fresh.reactionsCount && fresh.reactionsCount.like >= 1, 'reactionsCount.like not updated: ' + JSON.stringify(fresh.reactionsCount));
  });

  await test('message.removeReaction({type:"like"}) as bob -> POST remove_reaction; bob gone from reactions list', async () => {
    assert.ok(m1, 'needs m1');
    await as('bob');
    await m1.removeReaction({ type: 'like' });
    const q = m1.createReactionUserListQuery();
    q.type = 'like';
    const users = await q.list();
    assert.ok(Array.isArray(users), 'reactions list must be an array even when empty ([] not 204)');
    assert.ok(!users.some(u => u.id === 'bob'), 'bob still listed after removeReaction');
    const [fresh] = await listMessages(general, { ids: ['m1'] });
    assert.ok(!fresh.reactionsCount || !fresh.reactionsCount.like, 'reactionsCount.like should be 0/absent: ' + JSON.stringify(fresh.reactionsCount));
  });

  // ------------------------------------------------------------ pin / unpin (alice is admin)
  await test('message.pin() as alice -> POST /v2/messages/m1/pin (no body); pinned filter shows m1', async () => {
    assert.ok(m1, 'needs m1');
    await as('alice');
    await m1.pin();
    const pinned = await listMessages(general, { pinned: true });
    const p = pinned.find(m => m.id === 'm1');
    assert.ok(p, 'm1 not returned by pinned=true filter: ' + JSON.stringify(pinned.map(m => m.id)));
    assert.equal(p.pinned, true);
  });

  await test('message.unpin() as alice -> POST /v2/messages/m1/unpin; m1.pinned false', async () => {
    assert.ok(m1, 'needs m1');
    await as('alice');
    await m1.unpin();
    const pinned = await listMessages(general, { pinned: true });
    assert.ok(!pinned.some(m => m.id === 'm1'), 'm1 still pinned');
    const [fresh] = await listMessages(general, { ids: ['m1'] });
    assert.equal(fresh.pinned, false);
  });

  // ------------------------------------------------------------ delete for me / for everyone
  await test('message.deleteForMe() as bob -> POST /v2/messages/delete {messageIds}; hidden for bob only', async () => {
    assert.ok(sent, 'needs sent message');
    await as('bob');
    await sent.deleteForMe();
    const forBob = await listMessages(general, { ids: [clientId] });
    assert.equal(forBob.length, 0, 'message still visible to bob after delete-for-me');
    await as('alice');
    const forAlice = await listMessages(general, { ids: [clientId] });
    assert.equal(forAlice.length, 1, 'delete-for-me by bob must not hide the message from alice');
  });

  await test('message.deleteForEveryone() / Message.deleteMessagesForEveryone([id]) as owner alice -> POST /v2/messages/delete_for_everyone', async () => {
    await as('alice');
    const ids = [uid('sdk-dfe1'), uid('sdk-dfe2')];
    const a = await general.sendMessage({ id: ids[0], body: 'to be deleted 1' });
    await general.sendMessage({ id: ids[1], body: 'to be deleted 2' });
    await a.deleteForEveryone();                                // instance form: {"messageIds":[ids[0]]}
    await server.Message.deleteMessagesForEveryone([ids[1]]);   // static form:   {"messageIds":[ids[1]]}
    await as('bob');
    for (const id of ids) {
      const seen = await listMessages(general, { ids: [id] });
      assert.ok(seen.length === 0 || seen[0].isDeleted === true, 'deleted-for-everyone message still live for bob: ' + JSON.stringify(seen[0]));
    }
  });

  await test('Message.deleteMessagesForMe([id]) (static, array form) as carol', async () => {
    assert.ok(m1, 'needs m1');
    await as('alice');
    const id = uid('sdk-dfm');
    await general.sendMessage({ id, body: 'hide for carol' });
    await as('carol');
    await server.Message.deleteMessagesForMe([id]);
    assert.equal((await listMessages(general, { ids: [id] })).length, 0);
  });

  // ------------------------------------------------------------ forward
  await test('Message.forwardMessages(["m1"], [], ["general"]) as alice -> POST /v2/messages/forward {messageIds, conversationIds}', async () => {
    await as('alice');
    const before = (await general.createMessageListQuery().count()).count;
    await server.Message.forwardMessages(['m1'], [], ['general']);
    const after = (await general.createMessageListQuery().count()).count;
    assert.equal(after, before + 1, 'forward into general should add one message');
    const newest = await listMessages(general, { sort: 'createdAt DESC', limit: 1 });
    assert.equal(newest[0].body, 'hello');
    assert.equal(newest[0].ownerId, 'alice');
  });

  await test('Message.forwardMessages(["m1"], ["carol"], []) as alice -> {messageIds, userIds}; lands in alice<->carol private chat', async () => {
    await as('alice');
    await server.Message.forwardMessages(['m1'], ['carol'], []);
    await as('carol');
    const q = server.Conversation.createConversationListQuery();
    q.limit = 100;
    const convs = await q.list();
    assert.ok(Array.isArray(convs));
    let hit = false;
    for (const c of convs.filter(c => c.isGroup === false)) {
      const msgs = await listMessages(c, { ownerIds: ['alice'] });
      if (msgs.some(m => m.body === 'hello')) { hit = true; break; }
    }
    assert.ok(hit, 'no private conversation for carol containing the forwarded "hello"');
  });

  // ------------------------------------------------------------ broadcast
  await test('Message.broadcast(["bob","carol"], [], {body}) as alice -> POST /v2/messages/broadcast {userIds, body, type}', async () => {
    await as('alice');
    const body = 'broadcast-users-' + rand;
    await server.Message.broadcast(['bob', 'carol'], [], { body });
    for (const who of ['bob', 'carol']) {
      await as(who);
      const q = server.Conversation.createConversationListQuery();
      q.limit = 100;
      const convs = await q.list();
      let hit = false;
      for (const c of convs.filter(c => c.isGroup === false)) {
        if ((await listMessages(c)).some(m => m.body === body)) { hit = true; break; }
      }
      assert.ok(hit, who + ' did not receive the broadcast in a private conversation');
    }
  });

  await test('Message.broadcast([], ["general"], {body}) as alice -> {conversationIds, body, type}', async () => {
    await as('alice');
    const body = 'broadcast-conv-' + rand;
    await server.Message.broadcast([], ['general'], { body });
    const msgs = await listMessages(general, { sort: 'createdAt DESC', limit: 5 });
    assert.ok(msgs.some(m => m.body === body && m.ownerId === 'alice'), 'broadcast not found in general');
  });

  // ------------------------------------------------------------ unread after new traffic
  await test('Message.getTotalUnreadMessageCount() as bob >= 1 after alice\'s forward/broadcast', async () => {
    await as('bob');
    const n = await unreadCount();
    assert.ok(n >= 1, 'expected unread >= 1 for bob, got ' + n);
  });

  await test('no SDK-internal unhandled rejections occurred', async () => {
    assert.equal(unhandled.length, 0, unhandled.map(e => e && e.message).join('; '));
  });

  await server.setCurrentUser(null).catch(() => {});
  finish();
})().catch(e => {
  failed++;
  console.log('FAIL - harness crashed: ' + (e && e.stack ? e.stack : e));
  finish(1);
});
