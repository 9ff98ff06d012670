// What every Node check script shares: the emulator it is pointed at, codes from its outbox,
// TOTP codes on its clock, and the scenario runner whose report lines `python -m sdk_checks`
// reads. Node 20's own fetch and WebCrypto are all the SDKs need here: no polyfills.
import { createHmac } from 'node:crypto';

// Set by sdk_checks/node_checks.py: {endpoint, region, userPoolId, clientId, rotatingClientId}.
export const config = JSON.parse(process.env.SDK_CHECKS_CONFIG ?? 'null');
if (config === null) {
  throw new Error('SDK_CHECKS_CONFIG is not set: run these scripts through `nox -s sdk`');
}

// Taken before amplify.mjs puts its spy on fetch: the checks' own calls are not the SDK's.
const plainFetch = globalThis.fetch;

// The prefix of a report line: anything else on stdout (an SDK's own logging) is passed through.
const REPORT_PREFIX = 'sdk-check ';

/** A fresh user's name and password, unique per run (the pool outlives no run). */
export function newUser(prefix) {
  const suffix = Math.random().toString(36).slice(2, 10);
  const username = `${prefix}-${suffix}`;
  return { username, password: `Aa1!${suffix}${suffix}`, email: `${username}@example.com` };
}

/** The newest code the emulator sent `username` for `purpose` ("sign_up", "mfa", "sign_in"). */
export async function latestCode(username, purpose) {
  const query = new URLSearchParams({ pool_id: config.userPoolId, username });
  const answer = await plainFetch(`${config.endpoint}/_emulator/outbox?${query}`);
  if (!answer.ok) throw new Error(`GET /_emulator/outbox answered ${answer.status}`);
  const { messages } = await answer.json();
  const sent = messages.filter((message) => message.purpose === purpose);
  if (sent.length === 0) {
    const purposes = messages.map((message) => message.purpose).join(', ') || 'none';
    throw new Error(`no ${purpose} code in the outbox for ${username} (purposes: ${purposes})`);
  }
  return sent[sent.length - 1].code;
}

/** RFC 6238 (SHA-1, 6 digits, 30 s steps) for `secret` (base32) at `epochSeconds`. */
export function totpCode(secret, epochSeconds) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(epochSeconds / 30)));
  const digest = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = digest[digest.length - 1] & 0x0f;
  const binary = digest.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 1_000_000).padStart(6, '0');
}

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const character of text.replace(/=+$/, '').toUpperCase()) {
    const value = alphabet.indexOf(character);
    if (value < 0) throw new Error(`not base32: ${JSON.stringify(text)}`);
    bits += value.toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let start = 0; start + 8 <= bits.length; start += 8) {
    bytes.push(parseInt(bits.slice(start, start + 8), 2));
  }
  return Buffer.from(bytes);
}

/** Moves the emulator's clock `seconds` on (POST /_emulator/clock); its new time, epoch seconds. */
export async function advanceClock(seconds) {
  const answer = await plainFetch(`${config.endpoint}/_emulator/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advance_seconds: seconds }),
  });
  if (!answer.ok) throw new Error(`POST /_emulator/clock answered ${answer.status}`);
  const { now } = await answer.json();
  return now;
}

/**
 * A TOTP code for the next 30-second step on the emulator's clock. The emulator, like Cognito,
 * takes each step's code once (the set-up code's step is spent), so rather than wait for the
 * authenticator app's next code the clock moves on one step, as a user waiting would.
 */
export async function nextTotpCode(secret) {
  return totpCode(secret, await advanceClock(30));
}

/**
 * The error code the emulator refuses a cognito-idp `operation` with, called directly rather
 * than through an SDK: what a token the SDK gave up on would still get. Throws if accepted.
 */
export async function refusalOf(operation, body) {
  const answer = await plainFetch(`${config.endpoint}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
    },
    body: JSON.stringify(body),
  });
  const text = await answer.text();
  if (answer.ok) throw new Error(`${operation} was accepted`);
  const { __type: type, message } = JSON.parse(text);
  return `${type}: ${message}`;
}

/** Throws `message` unless `condition` holds: a check's expectation about an SDK's answer. */
export function expect(condition, message) {
  if (!condition) throw new Error(message);
}

function report(sdk, scenario, check, outcome, detail = '') {
  const record = { sdk, scenario, check, outcome, detail };
  process.stdout.write(`${REPORT_PREFIX}${JSON.stringify(record)}\n`);
}

function describe(error) {
  const name = error?.name ?? 'Error';
  const code = error?.code && error.code !== name ? ` (${error.code})` : '';
  return `${name}${code}: ${error?.message ?? String(error)}`;
}

/**
 * Runs `steps` ([name, async function] pairs, each depending on the ones before) in order and
 * reports each; after a failure the rest are reported skipped. `cleanup` runs last either way
 * (Amplify keeps one signed-in user per process). Returns whether every step passed.
 */
export async function runScenario(sdk, scenario, steps, cleanup = async () => {}) {
  let failed = false;
  for (const [check, step] of steps) {
    if (failed) {
      report(sdk, scenario, check, 'skipped', 'an earlier check of this scenario failed');
      continue;
    }
    try {
      await step();
      report(sdk, scenario, check, 'passed');
    } catch (error) {
      failed = true;
      report(sdk, scenario, check, 'failed', describe(error));
    }
  }
  try {
    await cleanup();
  } catch (error) {
    report(sdk, scenario, 'clean up', 'failed', describe(error));
    failed = true;
  }
  return !failed;
}

/** Runs `scenarios` (async functions answering as runScenario does); exit status 1 on a failure. */
export async function runAll(scenarios) {
  let allPassed = true;
  for (const scenario of scenarios) {
    allPassed = (await scenario()) && allPassed;
  }
  process.exitCode = allPassed ? 0 : 1;
}
