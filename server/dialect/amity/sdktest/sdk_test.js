#!/usr/bin/env node
/*
 * Parley <-> @amityco/ts-sdk 6.35.3 (Amity's / social.plus's official
 * TypeScript SDK) compatibility script, run by sdk_test.go:
 *
 *   PARLEY_URL=http://127.0.0.1:41234 NODE_PATH=<cache>/node_modules node sdk_test.js
 *
 * Plain Node 20, no test framework. Prints one line per check and exits
 * non-zero on the first failure.
 *
 * Fixtures on the Parley side: app "demo" with public key "demo-public";
 * users alice, bob and carol.
 *
 * Every request stays on 127.0.0.1: PARLEY_URL must be http://127.0.0.1:PORT,
 * the client is made with rteEnabled false (no MQTT, no socket.io), and a
 * guard refuses any socket to another host.
 */
'use strict';

const net = require('node:net');
const tls = require('node:tls');

const PARLEY_URL = (process.env.PARLEY_URL || '').replace(/\/+$/, '');
if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(PARLEY_URL)) {
  console.error('PARLEY_URL must look like http://127.0.0.1:<port>; got ' + PARLEY_URL);
  process.exit(2);
}

// The guard, installed before the SDK loads.
const origConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guarded(...args) {
  let a = Array.isArray(args[0]) ? args[0] : args;
  const o = a[0];
  const host = o && typeof o === 'object' ? (o.path ? '127.0.0.1' : o.host || 'localhost') : typeof a[1] === 'string' ? a[1] : 'localhost';
  if (host !== '127.0.0.1') throw new Error('[guard] blocked a connection to ' + host);
  return origConnect.apply(this, args);
};
tls.connect = () => { throw new Error('[guard] blocked a TLS connection'); };

// The SDK's axios response interceptor does new Request(response.request.url)
// on every reply; Node's http adapter leaves that url undefined (browsers
// and React Native do not). A client-side shim, nothing a server can fix.
const OrigRequest = globalThis.Request;
globalThis.Request = class extends OrigRequest {
  constructor(input, init) { super(input === undefined ? PARLEY_URL + '/' : input, init); }
};

// The SDK prints deprecation notes and "Unsupported environment" on stdout.
const log = (...a) => process.stderr.write(a.join(' ') + '\n');
console.log = console.info = console.warn = () => {};

const { Client, ChannelRepository, MessageRepository, ReactionRepository } = require('@amityco/ts-sdk');

let failures = 0;
function check(name, ok, detail) {
  process.stdout.write((ok ? 'ok   ' : 'FAIL ') + name + (ok || detail === undefined ? '' : ': ' + JSON.stringify(detail)) + '\n');
  if (!ok) failures++;
}
const sleep = ms => new Promise(r => setTimeout(r, ms));

async function login(userId, displayName) {
  // Wait out the SDK's 2 s marker debounce: it would run under the next user.
  await sleep(2500);
  return Client.login({ userId, displayName }, { sessionWillRenewAccessToken: r => r.renew() }, { disableRTE: true });
}

// queryAll pages through a live message collection to its end.
function queryAll(params) {
  return new Promise((resolve, reject) => {
    let timer;
    let pages = 0;
    const unsubscribe = MessageRepository.getMessages(params, res => {
      if (res.error) { reject(res.error); return; }
      if (res.loading) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (res.hasNextPage) { pages++; res.onNextPage(); return; }
        unsubscribe();
        resolve({ messages: res.data, pages: pages + 1 });
      }, 400);
    });
  });
}

async function one(id) {
  const { data } = await MessageRepository.getMessageByIds([id]);
  return data[0];
}

async function markers(channelId) {
  const { data } = await Client.getActiveClient().http.get('/api/v1/markers/channels', { params: { channelIds: [channelId] } });
  return data.userEntityMarkers.find(m => m.entityId === channelId);
}

async function main() {
  Client.createClient('demo-public', 'sg', { apiEndpoint: { http: PARLEY_URL }, rteEnabled: false });

  check('alice logs in', await login('alice', 'Alice'));

  const { data: channel } = await ChannelRepository.createChannel({ type: 'community', displayName: 'SDK room', userIds: ['bob'] });
  check('creates a channel', channel && channel.channelId && channel.type === 'community', channel);
  const id = channel.channelId;

  check('adds a member', await ChannelRepository.Membership.addMembers(id, ['carol']));

  const sent = [];
  for (let i = 1; i <= 7; i++) {
    const { data: m } = await MessageRepository.createMessage({ subChannelId: id, dataType: 'text', data: { text: 'message ' + i } });
    sent.push(m);
  }
  check('sends', sent.length === 7 && sent.every((m, i) => m.data.text === 'message ' + (i + 1) && !m.messageId.startsWith('LOCAL_')), sent.map(m => m.messageId));
  check('segments rise', sent.every((m, i) => i === 0 || m.channelSegment === sent[i - 1].channelSegment + 1), sent.map(m => m.channelSegment));

  const { messages: all, pages } = await queryAll({ subChannelId: id, limit: 3 });
  const texts = all.map(m => m.data.text).sort();
  check('queries with paging', all.length === 7 && pages === 3 && texts.join() === sent.map(m => m.data.text).sort().join(), { pages, texts });

  const first = sent[0];
  const got = await one(first.messageId);
  check('gets', got && got.messageId === first.messageId && got.data.text === 'message 1' && got.creatorId === 'alice' && got.channelId === id, got);

  await MessageRepository.editMessage(first.messageId, { data: { text: 'message 1, edited' } });
  const edited = await one(first.messageId);
  check('edits', edited.data.text === 'message 1, edited' && !!edited.editedAt, edited);

  check('reacts', await ReactionRepository.addReaction('message', first.messageId, 'like'));
  const liked = await one(first.messageId);
  check('sees the reaction', liked.reactions.like === 1 && liked.reactionsCount === 1 && liked.myReactions.includes('like'), liked);
  check('unreacts', await ReactionRepository.removeReaction('message', first.messageId, 'like'));
  const unliked = await one(first.messageId);
  check('sees it gone', !unliked.reactions.like && unliked.reactionsCount === 0 && unliked.myReactions.length === 0, unliked);

  const { data: reply } = await MessageRepository.createMessage({ subChannelId: id, dataType: 'text', data: { text: 'in a thread' }, parentId: first.messageId });
  check('replies in a thread', reply.parentId === first.messageId, reply);
  const parent = await one(first.messageId);
  check('counts the reply', parent.childrenNumber === 1, parent);
  const { messages: thread } = await queryAll({ subChannelId: id, parentId: first.messageId, limit: 5 });
  check('lists the thread', thread.length === 1 && thread[0].messageId === reply.messageId, thread.map(m => m.messageId));

  await MessageRepository.softDeleteMessage(sent[6].messageId);
  const deleted = await one(sent[6].messageId);
  check('soft-deletes', deleted.isDeleted === true, deleted);
  const { messages: live } = await queryAll({ subChannelId: id, limit: 20 });
  check('leaves it out of lists', live.length === 7 && !live.some(m => m.messageId === sent[6].messageId), live.map(m => m.messageId));

  check('bob logs in', await login('bob', 'Bob'));
  const before = await markers(id);
  check('bob has unread messages', before && before.unreadCount === 7, before);
  check('marks read', await ChannelRepository.markAsRead(id));
  const after = await markers(id);
  check('bob has none left', after && after.unreadCount === 0, after);

  await sleep(2500); // let the background marker fetch finish
}

main().then(
  () => { log(failures ? failures + ' checks failed' : 'all checks passed'); process.exit(failures ? 1 : 0); },
  err => { log('error: ' + (err && err.stack || err)); process.exit(1); },
);
process.on('unhandledRejection', err => { log('unhandled (background SDK call): ' + (err && err.stack || err)); process.exit(1); });
