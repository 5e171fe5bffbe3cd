import i18next from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { initReactI18next } from 'react-i18next';
import en from '../locales/en.json';
import zhCN from '../locales/zh-CN.json';

export const LANGUAGES = [
  { code: 'en', label: 'English' },
  { code: 'zh-CN', label: '简体中文' },
] as const;

/** The browser's language unless the user picked one (remembered in localStorage). */
void i18next
  .use(LanguageDetector)
  .use(initReactI18next)
  .init({
    resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
    // Any Chinese browser language (zh, zh-TW, zh-HK) resolves to zh-CN; everything else to English.
    supportedLngs: ['en', 'zh-CN'],
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
    detection: { order: ['localStorage', 'navigator'], lookupLocalStorage: 'hub.language', caches: ['localStorage'] },
  });

const syncDocumentLanguage = (lng: string) => {
  document.documentElement.lang = lng;
};
syncDocumentLanguage(i18next.resolvedLanguage ?? 'en');
i18next.on('languageChanged', syncDocumentLanguage);

export default i18next;
