import { notifications } from '@mantine/notifications';
import { IconAlert, IconCheck } from './icons.tsx';
import { currentLanguage, translate } from './language.tsx';

export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export const notifyError = (e: unknown, title?: string): void => {
  notifications.show({
    color: 'red',
    title: title ?? translate(currentLanguage(), 'common.error'),
    message: errorMessage(e),
    icon: <IconAlert size={16} />,
    autoClose: 8000,
  });
};

export const notifySuccess = (message: string): void => {
  notifications.show({ color: 'guild', message, icon: <IconCheck size={16} />, autoClose: 3500 });
};
