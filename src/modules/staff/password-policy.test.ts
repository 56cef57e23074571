import { test } from 'node:test';
import assert from 'node:assert/strict';
import { passwordProblem } from './password-policy.ts';

test('accepts long, unpredictable passwords and phrases', () => {
  for (const ok of ['violet tractor sings at dawn', 'Kx9#mQ2v!Lp7wZ', 'mørk blåbær i kveld', 'correct-zebra-engine-42']) {
    assert.equal(passwordProblem(ok), null, ok);
  }
});

test('refuses passwords shorter than 12 or longer than 256 characters, saying the limit', () => {
  assert.match(passwordProblem('Short1!xyz')!, /at least 12 characters.*has 10/);
  assert.match(passwordProblem('a'.repeat(5) + 'xk29!b')!, /at least 12/);
  assert.match(passwordProblem('x7Kq'.repeat(64) + 'z')!, /at most 256/);
  assert.equal(passwordProblem('q8#Lm'.repeat(51) + 'z'), null, '256 characters are fine');
});

test('refuses one character repeated and a short part repeated', () => {
  assert.match(passwordProblem('aaaaaaaaaaaa')!, /one character repeated/);
  assert.match(passwordProblem('!!!!!!!!!!!!!!')!, /one character repeated/);
  assert.match(passwordProblem('abcabcabcabc')!, /same short part repeated/);
  assert.match(passwordProblem('passwordpassword')!, /repeated/);
});

test('refuses simple sequences and keyboard walks', () => {
  assert.match(passwordProblem('123456789012')!, /simple sequence/);
  assert.match(passwordProblem('abcdefghijkl')!, /simple sequence/);
  assert.match(passwordProblem('lkjihgfedcba')!, /simple sequence/);
  assert.match(passwordProblem('qwertyuiopas')!, /keyboard pattern/);
  assert.match(passwordProblem('1q2w3e4r5t6y')!, /keyboard pattern/);
  assert.match(passwordProblem('123qweasdzxc')!, /keyboard pattern/);
  assert.match(passwordProblem('Qwertyuiop12')!, /keyboard pattern/);
});

test('refuses common passwords, also with letter swaps and digits or symbols added', () => {
  assert.match(passwordProblem('correcthorsebatterystaple')!, /most commonly used/);
  assert.match(passwordProblem('Password1234!')!, /common password with a few digits/);
  assert.match(passwordProblem('P@ssw0rd2024!')!, /common password/);
  assert.match(passwordProblem('Summer2026!!')!, /common password/);
  assert.match(passwordProblem('iloveyou1234')!, /common password/);
  assert.match(passwordProblem('Passord12345')!, /common password/, 'Norwegian favourites too');
});

test("refuses the user's own e-mail address or name inside the password", () => {
  const who = { email: 'kari.nordmann@example.org', name: 'Kari Nordmann' };
  assert.match(passwordProblem('kari.nordmann@example.org', who)!, /e-mail address/);
  assert.match(passwordProblem('my-nordmann-pass-2026', who)!, /e-mail address|your name/);
  assert.match(passwordProblem('xx karinordmann xx', who)!, /your name|e-mail/);
  assert.equal(passwordProblem('violet tractor sings at dawn', who), null);
  assert.match(passwordProblem('ab12ab21ba12b21a', {})!, /too few different characters/);
});
