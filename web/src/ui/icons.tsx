import type { SVGProps } from 'react';

/** A few line icons (24×24, stroke) so the app needs no icon package. */
type IconProps = SVGProps<SVGSVGElement> & { size?: number };

const make = (paths: string[]) => {
  const Icon = ({ size = 18, ...rest }: IconProps) => (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      {...rest}
    >
      {paths.map((d) => (
        <path key={d} d={d} />
      ))}
    </svg>
  );
  return Icon;
};

export const IconDashboard = make(['M4 4h6v8H4z', 'M4 16h6v4H4z', 'M14 12h6v8h-6z', 'M14 4h6v4h-6z']);
export const IconContacts = make(['M9 7a4 4 0 1 0 0 .01', 'M3 21v-2a4 4 0 0 1 4-4h4a4 4 0 0 1 4 4v2', 'M16 3.13a4 4 0 0 1 0 7.75', 'M21 21v-2a4 4 0 0 0-3-3.85']);
export const IconBilling = make(['M5 21V5a2 2 0 0 1 2-2h10a2 2 0 0 1 2 2v16l-3-2-2 2-2-2-2 2-2-2z', 'M9 7h6', 'M9 11h6', 'M13 15h2']);
export const IconPayments = make(['M3 7a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z', 'M3 10h18', 'M7 15h.01', 'M11 15h2']);
export const IconLedger = make(['M4 19.5V5a2 2 0 0 1 2-2h14v16H6.5A2.5 2.5 0 0 0 4 21.5', 'M20 19v3H6.5', 'M9 7h7', 'M9 11h5']);
export const IconMail = make(['M3 7a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z', 'M3 7l9 6 9-6']);
export const IconProvisioning = make(['M4 5h16v5H4z', 'M4 14h16v5H4z', 'M8 7.5h.01', 'M8 16.5h.01']);
export const IconReports = make(['M4 20h16', 'M7 16v-5', 'M12 16V8', 'M17 16v-9']);
export const IconSettings = make([
  'M10.3 4.3c.4-1.8 3-1.8 3.4 0a1.7 1.7 0 0 0 2.6 1.1c1.5-.9 3.3.8 2.4 2.4a1.7 1.7 0 0 0 1 2.5c1.9.5 1.9 3 0 3.5a1.7 1.7 0 0 0-1 2.5c.9 1.6-.9 3.3-2.4 2.4a1.7 1.7 0 0 0-2.6 1.1c-.4 1.8-3 1.8-3.4 0a1.7 1.7 0 0 0-2.6-1.1c-1.5.9-3.3-.8-2.4-2.4a1.7 1.7 0 0 0-1-2.5c-1.9-.5-1.9-3 0-3.5a1.7 1.7 0 0 0 1-2.5c-.9-1.6.9-3.3 2.4-2.4a1.7 1.7 0 0 0 2.6-1.1z',
  'M12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6z',
]);
export const IconShield = make(['M12 3l8 3v6c0 5-3.5 8.5-8 9-4.5-.5-8-4-8-9V6z', 'M9 12l2 2 4-4']);
export const IconHistory = make(['M12 8v4l2 2', 'M3.05 11a9 9 0 1 1 .5 4', 'M3 4v5h5']);
export const IconJobs = make(['M9 6h11', 'M9 12h11', 'M9 18h11', 'M4 6l1 1 2-2', 'M4 12l1 1 2-2', 'M4 18h2']);
export const IconLogout = make(['M14 8V6a2 2 0 0 0-2-2H5a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h7a2 2 0 0 0 2-2v-2', 'M9 12h12l-3-3', 'M18 15l3-3']);
export const IconLock = make(['M5 13a2 2 0 0 1 2-2h10a2 2 0 0 1 2 2v6a2 2 0 0 1-2 2H7a2 2 0 0 1-2-2z', 'M8 11V7a4 4 0 1 1 8 0v4']);
export const IconLanguage = make(['M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18z', 'M3.6 9h16.8', 'M3.6 15h16.8', 'M11.5 3a17 17 0 0 0 0 18', 'M12.5 3a17 17 0 0 1 0 18']);
export const IconSearch = make(['M10 4a6 6 0 1 0 0 12 6 6 0 0 0 0-12z', 'M21 21l-6.5-6.5']);
export const IconCopy = make(['M8 8h12v12H8z', 'M16 8V4H4v12h4']);
export const IconCheck = make(['M5 12l5 5L20 7']);
export const IconAlert = make(['M12 9v4', 'M12 17h.01', 'M10.3 3.9L1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z']);
export const IconRefresh = make(['M20 11A8 8 0 0 0 4.6 8M4 4v4h4', 'M4 13a8 8 0 0 0 15.4 3M20 20v-4h-4']);
export const IconExternal = make(['M12 6H6a2 2 0 0 0-2 2v10a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2v-6', 'M11 13l9-9', 'M15 4h5v5']);
export const IconPlus = make(['M12 5v14', 'M5 12h14']);
export const IconTrash = make(['M4 7h16', 'M10 11v6', 'M14 11v6', 'M5 7l1 12a2 2 0 0 0 2 2h8a2 2 0 0 0 2-2l1-12', 'M9 7V4h6v3']);
export const IconEdit = make(['M4 20h4L18.5 9.5a2.8 2.8 0 0 0-4-4L4 16z', 'M13.5 6.5l4 4']);
export const IconKey = make(['M15 9a3 3 0 1 0 0 .01', 'M12.5 11.5L3 21', 'M6 18l2 2', 'M9 15l2 2', 'M15 3a6 6 0 1 1-5 9.3']);
export const IconUsersGroup = make(['M12 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6z', 'M6 20v-1a4 4 0 0 1 4-4h4a4 4 0 0 1 4 4v1', 'M18 6a2.5 2.5 0 0 1 0 5', 'M6 6a2.5 2.5 0 0 0 0 5']);
export const IconChevronDown = make(['M6 9l6 6 6-6']);
export const IconChevronRight = make(['M9 6l6 6-6 6']);
export const IconArrowUp = make(['M12 19V5', 'M6 11l6-6 6 6']);
export const IconArrowDown = make(['M12 5v14', 'M6 13l6 6 6-6']);
export const IconSelector = make(['M8 9l4-4 4 4', 'M16 15l-4 4-4-4']);
export const IconClock = make(['M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18z', 'M12 7v5l3 3']);
export const IconBook = make(['M3 19a9 9 0 0 1 9 0 9 9 0 0 1 9 0', 'M3 6a9 9 0 0 1 9 0 9 9 0 0 1 9 0', 'M3 6v13', 'M12 6v13', 'M21 6v13']);
export const IconTools = make(['M3 21h4L20 8a2.8 2.8 0 0 0-4-4L3 17z', 'M14.5 5.5l4 4', 'M12 8L7 3 3 7l5 5', 'M7 8L5.5 9.5', 'M16 12l5 5-4 4-5-5', 'M16 17l-1.5 1.5']);
export const IconPaperclip = make(['M15 7l-6.5 6.5a1.5 1.5 0 0 0 3 3L18 10a3 3 0 0 0-6-6l-6.5 6.5a4.5 4.5 0 0 0 9 9L21 13']);
export const IconInbox = make(['M4 13h3l3 3h4l3-3h3', 'M4 4h16v16H4z']);
export const IconDownload = make(['M12 4v11', 'M7 10l5 5 5-5', 'M5 20h14']);
export const IconUpload = make(['M12 16V5', 'M7 10l5-5 5 5', 'M5 20h14']);
export const IconImport = make(['M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z', 'M14 3v5h5', 'M12 11v6', 'M9 14l3 3 3-3']);
export const IconFilter = make(['M4 5h16l-6 7.5V19l-4 2v-8.5z']);
export const IconBookmark = make(['M7 4h10a1 1 0 0 1 1 1v15l-6-4-6 4V5a1 1 0 0 1 1-1z']);
export const IconTag = make(['M3 12V4a1 1 0 0 1 1-1h8l9 9-9 9z', 'M7.5 7.5h.01']);
export const IconFields = make(['M4 6h16', 'M4 12h10', 'M4 18h7', 'M17 15v6', 'M14 18h6']);
export const IconHome = make(['M3 11l9-7 9 7', 'M5 10v10h14V10', 'M10 20v-6h4v6']);
export const IconBuilding = make(['M4 21V5a1 1 0 0 1 1-1h9a1 1 0 0 1 1 1v16', 'M15 9h4a1 1 0 0 1 1 1v11', 'M3 21h18', 'M8 8h3', 'M8 12h3', 'M8 16h3']);
export const IconUser = make(['M12 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8z', 'M4 21v-1a6 6 0 0 1 6-6h4a6 6 0 0 1 6 6v1']);
export const IconWallet = make(['M4 7a2 2 0 0 1 2-2h12v4', 'M4 7v11a2 2 0 0 0 2 2h14V9H6a2 2 0 0 1-2-2z', 'M16 14.5h.01']);
export const IconNote = make(['M5 4h14v11l-5 5H5z', 'M14 20v-5h5', 'M9 9h6', 'M9 12h3']);
export const IconDots = make(['M5 12h.01', 'M12 12h.01', 'M19 12h.01']);
export const IconEraser = make(['M19 20H8.5L4 15.5a2 2 0 0 1 0-2.8L13.2 3.5a2 2 0 0 1 2.8 0l4.5 4.5a2 2 0 0 1 0 2.8L11 20', 'M7 11l7 7']);
export const IconSend = make(['M4 12l16-8-6 16-2.5-6.5z', 'M11.5 13.5L20 4']);
export const IconFile = make(['M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z', 'M14 3v5h5']);
export const IconArchive = make(['M3 5h18v4H3z', 'M5 9v10a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1V9', 'M10 13h4']);
