import type { Language, Setting } from '../ui/types.ts';

/**
 * Norwegian label and description for the settings Guildhall ships with. The server's (English)
 * text is used for English, and for any setting added later that is not listed here yet.
 */
const NB: Record<string, { label: string; description: string }> = {
  'organization.name': { label: 'Organisasjonsnavn', description: 'Navnet som står på fakturaer, i e-poster og på innloggingssiden.' },
  'organization.address': { label: 'Adresse', description: 'Postadressen som står på fakturaer, én linje per rad.' },
  'organization.org_number': { label: 'Organisasjonsnummer', description: 'Organisasjonsnummeret som står på fakturaer.' },
  'organization.vat_number': { label: 'MVA-nummer', description: 'MVA-nummeret som står på fakturaer; la feltet stå tomt hvis dere ikke er MVA-registrert.' },
  'organization.currency': { label: 'Valuta', description: 'ISO 4217-koden for valutaen priser og fakturaer er i, for eksempel NOK.' },
  'organization.locale': { label: 'Språkområde', description: 'Hvordan datoer og beløp skrives, for eksempel nb-NO (1 234,50 kr) eller en-GB.' },
  'organization.time_zone': { label: 'Tidssone', description: 'IANA-tidssonen som avgjør hva «i dag» er og når planlagte oppgaver kjøres, for eksempel Europe/Oslo.' },
  'organization.billing_email': { label: 'E-post for fakturaspørsmål', description: 'Hit sender medlemmene spørsmål om fakturaer; brukes som svaradresse på fakturaer som sendes på e-post.' },
  'organization.bank_account': { label: 'Kontonummer', description: 'Kontoen medlemmene betaler til, som står på fakturaer og kontoutskrifter (for eksempel 1234.56.78903, eller en IBAN).' },
  'organization.logo': { label: 'Logo', description: 'Et PNG-, JPEG- eller SVG-bilde på høyst 512 kB, som vises i appene og på fakturaer.' },
  'system.public_name': { label: 'Offentlig navn', description: 'Navnet i nettleserens tittellinje og i medlemsportalen, hvis det er et annet enn organisasjonsnavnet.' },
  'system.default_language': { label: 'Standardspråk', description: 'Språket i appene for dem som ikke har valgt selv: en (engelsk) eller nb (bokmål).' },
  'system.session_idle_minutes': { label: 'Tidsavbrudd ved inaktivitet (minutter)', description: 'Ansatte logges ut etter så mange minutter uten aktivitet. Settes med miljøvariabelen SESSION_IDLE_MINUTES.' },
  'system.version': { label: 'Versjon', description: 'Guildhall-versjonen som kjører.' },
  'ledger.misc_sales_account': { label: 'Konto for diverse salg', description: 'Hovedbokskonto for salg som ikke har en egen konto.' },
  'ledger.ar_account': { label: 'Kundefordringer', description: 'Hovedbokskonto for det medlemmene skylder. Den kan bare endres mens ingen kontakt har saldo på den.' },
  'ledger.bank_account': { label: 'Bankkonto', description: 'Hovedbokskonto som mottatte innbetalinger føres på.' },
  'ledger.vat_account': { label: 'Utgående MVA', description: 'Hovedbokskonto for MVA på fakturaer.' },
  'ledger.cash_account': { label: 'Kassekonto', description: 'Hovedbokskonto som kontante innbetalinger føres på.' },
  'ledger.credit_account': { label: 'Forskudd fra kunder', description: 'Hovedbokskonto (gjeld) for det medlemmene har betalt på forskudd eller for mye, til det brukes på en faktura eller betales tilbake. Den kan bare endres mens ingen kontakt har saldo på den.' },
  'ledger.fee_account': { label: 'Gebyrkonto', description: 'Hovedbokskonto for gebyrer, som gebyret for en tilbakeført betaling.' },
  'ledger.writeoff_account': { label: 'Tap på fordringer', description: 'Hovedbokskonto (kostnad) som små ubetalte restbeløp føres bort mot.' },
  'ledger.invoice_posting': { label: 'Bokføring av fakturaer', description: 'immediate: utstedte fakturaer og kreditnotaer bokføres i hovedboken med en gang. held: de venter i mellomlageret, der et eksternt regnskapssystem kan hente dem, og den innebygde hovedboken henter dem hvert tiende minutt (eller ved behov).' },
  'general.invoice_due_days': { label: 'Betalingsfrist (dager)', description: 'Antall dager fra fakturadato til forfallsdato.' },
  'general.collections_min': { label: 'Minstebeløp for inkasso', description: 'Forfalte saldoer under dette beløpet (i organisasjonens valuta) sendes ikke til inkasso.' },
  'general.vat_rate': { label: 'MVA-sats (%)', description: 'Standard MVA-sats i prosent, fra 0 til 100, for eksempel 25.' },
  'general.report_email': { label: 'E-post for rapporter', description: 'Hit sendes planlagte rapporter; la feltet stå tomt for å ikke sende noen.' },
  'contacts.first_member_number': { label: 'Første medlemsnummer', description: 'Medlemsnummeret den første kontakten får; senere kontakter teller oppover. Settes det høyere, starter neste kontakt der; numre brukes aldri om igjen.' },
  'contacts.pseudo_email_domain': { label: 'Domene for oppdiktet e-post', description: 'Domene for e-postadresser en import lager til kontakter uten e-post, som medlemmer.eksempel.no (navn.nummer@domene). La feltet stå tomt for å importere slike kontakter uten e-post.' },
  'billing.first_invoice_number': { label: 'Første fakturanummer', description: 'Nummeret den første fakturaen får; fakturaer og kreditnotaer teller oppover fra det i én serie uten hull. Settes det høyere, starter neste faktura der; numre brukes aldri om igjen.' },
  'billing.payment_reference': { label: 'Betalingsreferanse', description: 'Referansen som står på fakturaen og som betaleren oppgir: kid_mod10 (KID med kontrollsiffer etter modulus 10), kid_mod11 (KID med kontrollsiffer etter modulus 11), rf (internasjonal kreditorreferanse, ISO 11649) eller none (ingen).' },
  'billing.kid_length': { label: 'KID-lengde', description: 'Antall sifre i en KID, kontrollsifferet medregnet (5–25): fakturanummeret fylt ut med nuller foran, deretter kontrollsifferet. Avtal lengden med banken.' },
  'billing.send_after_run': { label: 'Send fakturaer etter faktureringen', description: 'Send hver faktura faktureringskjøringen lager med én gang, på e-post eller til utskriftskøen slik betaleren ønsker. Slå av for å se over fakturaene først og sende dem fra fakturalisten.' },
  'payments.send_receipt': { label: 'Send kvitteringer på e-post', description: 'Når en innbetaling registreres, får betaleren en kvittering på e-post (e-postmalen «kvittering»).' },
  'payments.reversal_fee': { label: 'Gebyr for tilbakeført betaling', description: 'Gebyret betaleren belastes når en betaling tilbakeføres (manglende dekning, avvist sjekk, tilbakeført kortbetaling), lagt på neste faktura. 0 gir ikke gebyr.' },
  'payments.writeoff_limit': { label: 'Grense for avskrivning', description: 'Det største åpne restbeløpet på en faktura som ansatte med tilgang til hovedboken kan avskrive. 0 slår av avskrivning.' },
  'consent.statutes.wording': { label: 'Samtykketekst: vedtekter', description: 'Teksten medlemmet godtar: at de har lest og godtar vedtektene.' },
  'consent.statutes.version': { label: 'Samtykkeversjon: vedtekter', description: 'Endre den når vedtektene eller teksten endres, så hvert samtykke viser hvilken versjon som ble godtatt.' },
  'consent.data_processing.wording': { label: 'Samtykketekst: personopplysninger', description: 'Teksten medlemmet samtykker til om behandling av personopplysningene sine.' },
  'consent.data_processing.version': { label: 'Samtykkeversjon: personopplysninger', description: 'Endre den når teksten eller formålet endres.' },
  'consent.info_email.wording': { label: 'Samtykketekst: informasjon på e-post', description: 'Teksten medlemmet krysser av for å få informasjon på e-post.' },
  'consent.info_email.version': { label: 'Samtykkeversjon: informasjon på e-post', description: 'Endre den når teksten endres.' },
  'consent.info_sms.wording': { label: 'Samtykketekst: informasjon på SMS', description: 'Teksten medlemmet krysser av for å få informasjon på SMS.' },
  'consent.info_sms.version': { label: 'Samtykkeversjon: informasjon på SMS', description: 'Endre den når teksten endres.' },
};

export const settingText = (setting: Setting, language: Language): { label: string; description: string } =>
  (language === 'nb' ? NB[setting.key] : undefined) ?? { label: setting.label, description: setting.description };
