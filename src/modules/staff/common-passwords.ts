/**
 * The passwords (and password stems) people pick most often, from public breach-frequency lists,
 * plus a few Norwegian favourites. Compared after lower-casing, undoing common letter swaps
 * (p@ssw0rd) and stripping digits or symbols glued to either end (Summer2024!), so short stems
 * here also refuse their long variants.
 */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  // the classics
  'password', 'passw0rd', 'passwort', 'passwd', 'pass', 'secret', 'letmein', 'welcome', 'login', 'admin',
  'administrator', 'root', 'master', 'changeme', 'default', 'guest', 'test', 'testing', 'user', 'qwerty',
  'abc', 'iloveyou', 'trustno', 'whatever', 'nothing', 'access', 'private', 'mypassword', 'newpassword',
  'yourpassword', 'thepassword', 'passwordpassword', 'password1', 'p@ssword', 'temp', 'temporary', 'hello',
  'helloworld', 'welcomehome', 'loveyou', 'lovely', 'love', 'sexy', 'fuckyou', 'freedom', 'matrix',
  'starwars', 'pokemon', 'superman', 'batman', 'spiderman', 'ironman', 'harrypotter', 'hunter', 'ranger',
  'killer', 'shadow', 'dragon', 'monkey', 'football', 'baseball', 'soccer', 'hockey', 'basketball', 'golf',
  'tennis', 'jordan', 'michael', 'jennifer', 'jessica', 'ashley', 'daniel', 'robert', 'thomas', 'charlie',
  'andrew', 'joshua', 'matthew', 'william', 'jonathan', 'nicole', 'michelle', 'amanda', 'princess',
  'sunshine', 'flower', 'summer', 'winter', 'spring', 'autumn', 'monday', 'friday', 'january', 'december',
  'cheese', 'chocolate', 'cookie', 'banana', 'orange', 'purple', 'yellow', 'silver', 'golden', 'diamond',
  'computer', 'internet', 'google', 'facebook', 'samsung', 'apple', 'microsoft', 'windows', 'linux',
  'mustang', 'ferrari', 'porsche', 'corvette', 'harley', 'yankees', 'liverpool', 'chelsea', 'arsenal',
  'barcelona', 'maverick', 'phoenix', 'tigger', 'ginger', 'buster', 'pepper', 'cooper', 'maggie', 'bailey',
  'lucky', 'happy', 'angel', 'heaven', 'blessed', 'jesus', 'christ', 'trinity', 'genesis', 'soccer',
  'qazwsx', 'zaq1zaq1', 'asdfgh', 'zxcvbn', 'qwertz', 'azerty', 'aaaaaa', 'abcdef', 'abcd', 'abc123',
  'a1b2c3', 'q1w2e3', '1q2w3e', '1qaz2wsx', 'zaq12wsx', '123abc', '123qwe', 'qwe123', 'asd123', 'pass123',
  'admin123', 'root123', 'test123', 'guest123', 'welcome1', 'letmein1', 'iloveyou1', 'princess1',
  'correcthorsebatterystaple', 'correct horse battery staple', 'opensesame', 'open sesame', 'noPassword',
  'nopassword', 'blink182', 'michael1', 'charlie1', 'snoopy', 'scooter', 'cowboys', 'eagles', 'steelers',
  'gateway', 'system', 'server', 'database', 'guildhall', 'membership', 'company', 'office', 'business',
  // Norwegian
  'passord', 'passordet', 'hemmelig', 'velkommen', 'sommer', 'vinter', 'vaar', 'høst', 'host', 'norge',
  'noreg', 'oslo', 'bergen', 'trondheim', 'stavanger', 'fotball', 'rosenborg', 'brann', 'vålerenga',
  'valerenga', 'elskerdeg', 'jegelskerdeg', 'kjæreste', 'kjaereste', 'hallo', 'heisann', 'hade',
  'fotballfrue', 'mamma', 'pappa', 'familie', 'bamse', 'sjokolade', 'jordbær', 'jordbaer', 'skole',
  'jobb', 'kontor', 'bedrift', 'medlem', 'forening',
].map((p) => p.toLowerCase()));
